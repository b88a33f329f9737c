#!/usr/bin/env bash
# Runs the client kits as a user would, each as a whole journey against a fresh server on the
# embedded defaults (no MONGODB_URI → embedded database, demo model): the Postman collection with
# newman and the .http file with httpyac's CLI. Fails on any failed assertion or request error.
#
# Usage: bash scripts/run-kits.sh [postman|http]...   (both when none is named)
# RATE_LIMITS_ENABLED=false: each run signs up two accounts and logs in several times, and the
# sign-up allowance per address would end a few local runs in a row otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

kits=("$@")
[ ${#kits[@]} -eq 0 ] && kits=(postman http)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sigmagpt-kits.XXXXXX")
PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
BASE_URL="http://127.0.0.1:$PORT"
SERVER_PID=""
status=1

cleanup() {
  # The server runs in a process group of its own (setsid): end the group, SIGTERM first.
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
  fi
  if [ "${status:-1}" != 0 ]; then echo "kits: work directory (server log) kept at $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

echo "kits: starting the server on $BASE_URL (embedded database, demo model)"
env -u MONGODB_URI -u OPENAI_API_KEY -u OPENAI_BASE_URL -u MODELS -u DEFAULT_MODEL \
  NODE_ENV=development HOST=127.0.0.1 PORT="$PORT" DATA_DIR="$WORK/data" LOG_LEVEL=warn \
  RATE_LIMITS_ENABLED=false DEMO_CHUNK_DELAY_MS=0 \
  PATH="$PWD/node_modules/.bin:$PATH" setsid tsx src/server.ts >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

ready=0
for _ in $(seq 1 240); do
  if curl -fsS "$BASE_URL/readyz" >/dev/null 2>&1; then ready=1; break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.5
done
if [ "$ready" != 1 ]; then
  echo "kits: the server did not become ready; its log:" >&2
  cat "$WORK/server.log" >&2
  exit 1
fi

status=0
for kit in "${kits[@]}"; do
  case "$kit" in
    postman)
      echo "kits: newman over clients/sigmagpt.postman_collection.json"
      node_modules/.bin/newman run clients/sigmagpt.postman_collection.json \
        --environment clients/sigmagpt.postman_environment.json \
        --env-var "baseUrl=$BASE_URL" \
        --reporters cli --color off --bail failure || status=1
      ;;
    http)
      echo "kits: httpyac over clients/sigmagpt.http"
      node_modules/.bin/httpyac send clients/sigmagpt.http --all \
        --var "baseUrl=$BASE_URL" --output short --bail || status=1
      ;;
    *)
      echo "kits: unknown kit '$kit' (postman, http)" >&2
      status=1
      ;;
  esac
done

if grep -qiE '"level":(50|60)|uncaught|unhandled' "$WORK/server.log"; then
  echo "kits: the server logged errors:" >&2
  grep -iE '"level":(50|60)|uncaught|unhandled' "$WORK/server.log" | head -20 >&2
  status=1
fi
[ "$status" -eq 0 ] && echo "kits: every request passed its assertions"
exit "$status"
