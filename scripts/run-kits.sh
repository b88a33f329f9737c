#!/usr/bin/env bash
# Runs the client kits as a user would, each as a whole journey against a fresh server on the
# embedded defaults (no MONGODB_URI → embedded database, demo model): the Postman collection with
# newman and the .http file with httpyac's CLI. Fails on any failed assertion or request error.
#
# The tools' own output (newman's table, httpyac's `=== request ===` headings) goes to a log file,
# KITS_LOG (default: a timestamped file in the temp directory); this script prints one plain line
# per kit, the failed assertions when there are any, and where the full output is.
#
# Usage: bash scripts/run-kits.sh [postman|http]...   (both when none is named)
# RATE_LIMITS_ENABLED=false: each run signs up two accounts and logs in several times, and the
# sign-up allowance per address would end a few local runs in a row otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

kits=("$@")
[ ${#kits[@]} -eq 0 ] && kits=(postman http)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sigmagpt-kits.XXXXXX")
KITS_LOG="${KITS_LOG:-${TMPDIR:-/tmp}/sigmagpt-kits-$(date +%Y%m%d-%H%M%S).log}"
: >"$KITS_LOG"
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
      echo "== newman over clients/sigmagpt.postman_collection.json" >>"$KITS_LOG"
      kit_status=0
      node_modules/.bin/newman run clients/sigmagpt.postman_collection.json \
        --environment clients/sigmagpt.postman_environment.json \
        --env-var "baseUrl=$BASE_URL" \
        --reporters cli,json --reporter-json-export "$WORK/newman.json" \
        --color off --bail failure >>"$KITS_LOG" 2>&1 || kit_status=1
      # One line of counts, and each failed assertion, from newman's JSON report.
      node -e '
        const { run } = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
        const { requests: r, assertions: a } = run.stats;
        console.log(`kits: postman (newman): ${r.total} requests, ${a.total} assertions, ${a.failed} failed`);
        for (const f of run.failures) console.log(`kits:   failed: ${f.source?.name ?? "?"}: ${f.error?.test ?? ""} ${f.error?.message ?? ""}`);
      ' "$WORK/newman.json" || echo "kits: postman (newman): no report (see the log)"
      [ "$kit_status" -eq 0 ] || status=1
      ;;
    http)
      echo "== httpyac over clients/sigmagpt.http" >>"$KITS_LOG"
      kit_status=0
      node_modules/.bin/httpyac send clients/sigmagpt.http --all \
        --var "baseUrl=$BASE_URL" --output short --bail >"$WORK/httpyac.log" 2>&1 || kit_status=1
      cat "$WORK/httpyac.log" >>"$KITS_LOG"
      # httpyac ends with "N requests processed (N succeeded[, N failed])"; failed checks start with ✖.
      summary=$(grep -E '^[0-9]+ requests? processed' "$WORK/httpyac.log" | tail -1 || true)
      echo "kits: http (httpyac): ${summary:-no summary (see the log)}"
      grep -E '^\s*✖' "$WORK/httpyac.log" | head -20 | sed 's/^\s*/kits:   failed: /' || true
      [ "$kit_status" -eq 0 ] || status=1
      ;;
    *)
      echo "kits: unknown kit '$kit' (postman, http)" >&2
      status=1
      ;;
  esac
done
echo "kits: full output of newman and httpyac in $KITS_LOG"

if grep -qiE '"level":(50|60)|uncaught|unhandled' "$WORK/server.log"; then
  echo "kits: the server logged errors:" >&2
  grep -iE '"level":(50|60)|uncaught|unhandled' "$WORK/server.log" | head -20 >&2
  status=1
fi
[ "$status" -eq 0 ] && echo "kits: every request passed its assertions"
exit "$status"
