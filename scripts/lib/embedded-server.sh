# shellcheck shell=bash
# Sourced by the scripts that run a client or a tool against a real server (the kits, the fuzzer,
# the Python SDK check): one server on the embedded defaults (no MONGODB_URI → embedded database,
# no API key → demo model) on a free loopback port, with a throw-away DATA_DIR.
#
#   start_embedded_server LABEL WORK [NAME=value ...]   sets BASE_URL and SERVER_PID; the extra
#                                                       settings go to the server's environment
#   stop_embedded_server                                ends it (from the caller's EXIT trap)
#   embedded_server_env PORT WORK [NAME=value ...]      sets SERVER_ENV, the server's settings as
#                                                       NAME=value words for env(1)

EMBEDDED_SERVER_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# The server loads a local .env, which fills every setting missing from its environment (set ones
# win). So each setting (every key of .env.example) is given to it: empty, which the configuration
# takes as unset (its default), unless the caller's environment exports it. MONGODB_URI,
# OPENAI_API_KEY, OPENAI_BASE_URL, MODELS and DEFAULT_MODEL are empty even then: the embedded
# database and the demo model, never the developer's database or provider. Then the fixed ones
# below, then the caller's.
embedded_server_env() {
  local port=$1 work=$2 name exported
  shift 2
  if [ ! -f "$EMBEDDED_SERVER_ROOT/.env.example" ]; then
    echo "embedded server: $EMBEDDED_SERVER_ROOT/.env.example (the list of settings) is missing" >&2
    return 1
  fi
  exported=" $(compgen -e | tr '\n' ' ') "
  SERVER_ENV=()
  for name in $(sed -nE 's/^#? ?([A-Z][A-Z0-9_]*)=.*/\1/p' "$EMBEDDED_SERVER_ROOT/.env.example" | sort -u); do
    case $name in
      MONGODB_URI | OPENAI_API_KEY | OPENAI_BASE_URL | MODELS | DEFAULT_MODEL) SERVER_ENV+=("$name=") ;;
      *) [[ $exported == *" $name "* ]] || SERVER_ENV+=("$name=") ;;
    esac
  done
  SERVER_ENV+=(NODE_ENV=development HOST=127.0.0.1 PORT="$port" DATA_DIR="$work/data" LOG_LEVEL=warn
    DEMO_CHUNK_DELAY_MS=0 "$@")
}

start_embedded_server() {
  local label=$1 work=$2
  shift 2
  local port
  port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  BASE_URL="http://127.0.0.1:$port"
  echo "$label: starting the server on $BASE_URL (embedded database, demo model, data in $work/data)"
  embedded_server_env "$port" "$work" "$@"
  # setsid: the server (tsx, node, the embedded database) runs in a process group of its own, so
  # stop_embedded_server can end all of it.
  env "${SERVER_ENV[@]}" PATH="$PWD/node_modules/.bin:$PATH" \
    setsid tsx src/server.ts >"$work/server.log" 2>&1 &
  SERVER_PID=$!

  local _
  for _ in $(seq 1 240); do
    if curl -fsS "$BASE_URL/readyz" >/dev/null 2>&1; then return 0; fi
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.5
  done
  echo "$label: the server did not become ready; its log:" >&2
  cat "$work/server.log" >&2
  return 1
}

stop_embedded_server() {
  # SIGTERM first so it shuts down cleanly, then SIGKILL whatever is left of the group.
  if [ -n "${SERVER_PID:-}" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
    local _
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
  fi
}
