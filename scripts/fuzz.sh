#!/usr/bin/env bash
# Fuzzes the running API from its own OpenAPI description with schemathesis (PyPI, pinned, in a
# venv cached outside the repo). Starts the server on the embedded defaults (no MONGODB_URI →
# embedded database, demo model) on a free port with a throw-away DATA_DIR, signs up a fresh user,
# and runs every operation with the checks below. Exits non-zero on any failure.
#
# The fuzz server runs with RATE_LIMITS_ENABLED=false, a high MESSAGES_PER_MINUTE and room for more
# replies at once (MAX_CONCURRENT_STREAMS: two workers send while the hooks make exchanges for
# them): otherwise the fuzzer spends its budget on 429s (documented, so not failures) and they mask
# real findings. Rate limiting itself is covered by the integration tests. DEMO_CHUNK_DELAY_MS=0 makes the demo
# model's streams end at once, so streamed requests terminate. MAX_TOKENS=40 makes the demo model
# end its replies at the token limit (finish reason `length`), so every reply can be continued:
# a stop that lands before such a fast reply ends is a matter of timing.
#
# schemathesis's own output (pytest-style, ending in a `=== ... in 180s ===` banner) goes to a log
# file; this script prints plain lines instead: operations passed and failed, errors, warnings, and
# where the full output is.
#
# Knobs: FUZZ_MAX_EXAMPLES (per operation, default 40), FUZZ_MAX_TIME (seconds, default 180), FUZZ_CHECKS,
# FUZZ_SEED, FUZZ_KEEP=1 keeps the work directory (server log, reports), FUZZ_HAR=1 adds a HAR
# report of every request and response to it, FUZZ_LOG (the file for schemathesis's output; default
# a timestamped file in the temp directory).
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/sigmagpt"
VENV="${SCHEMATHESIS_VENV:-$CACHE_DIR/schemathesis-venv}"
ST="$VENV/bin/schemathesis"

# Python 3.11's compiler can fail inside hypothesis with "AST constructor recursion depth
# mismatch" (a CPython bug, fixed in 3.12), which schemathesis reports as a runtime error of an
# operation. Prefer a 3.12+ interpreter where the machine has one (directly or through pyenv).
pick_python() {
  local candidate version
  for candidate in python3.13 python3.12; do
    if "$candidate" -c 'import venv' >/dev/null 2>&1; then echo "$candidate"; return; fi
    if command -v pyenv >/dev/null 2>&1; then
      version=$(pyenv versions --bare 2>/dev/null | grep -E "^${candidate#python}\.[0-9]+$" | tail -1)
      if [ -n "$version" ] && [ -x "$(pyenv root)/versions/$version/bin/python3" ]; then
        echo "$(pyenv root)/versions/$version/bin/python3"
        return
      fi
    fi
  done
  echo python3
}
PYTHON="${FUZZ_PYTHON:-$(pick_python)}"
PYTHON_VERSION=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')

if ! "$ST" --version 2>/dev/null | grep -qF "$SCHEMATHESIS_VERSION" \
  || [ "$("$VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" != "$PYTHON_VERSION" ]; then
  echo "fuzz: installing schemathesis $SCHEMATHESIS_VERSION into $VENV (Python $PYTHON_VERSION)"
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sigmagpt-fuzz.XXXXXX")
FUZZ_LOG="${FUZZ_LOG:-${TMPDIR:-/tmp}/sigmagpt-fuzz-$(date +%Y%m%d-%H%M%S).log}"
SERVER_PID=""
# shellcheck source=lib/embedded-server.sh
source scripts/lib/embedded-server.sh
status=1

cleanup() {
  stop_embedded_server
  if [ "${FUZZ_KEEP:-0}" = 1 ] || [ "${status:-1}" != 0 ]; then echo "fuzz: work directory (server log, reports) kept at $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

FUZZ_EMAIL="fuzz.$(date +%s).$RANDOM@example.test"
random_text() { node -e 'console.log(require("crypto").randomBytes(18).toString("base64url"))'; }
FUZZ_PASSWORD="fuzz-$(random_text)"
FUZZ_METRICS_TOKEN="metrics-$(random_text)"

# The fuzz user is an administrator (ADMIN_EMAILS), so the admin routes are reached past their
# 403; /metrics is served with a token (the hooks send it), so it is reached past its 404.
start_embedded_server fuzz "$WORK" RATE_LIMITS_ENABLED=false MESSAGES_PER_MINUTE=100000 MAX_CONCURRENT_STREAMS=16 MAX_TOKENS=40 \
  ADMIN_EMAILS="$FUZZ_EMAIL" METRICS_TOKEN="$FUZZ_METRICS_TOKEN"

signup=$(curl -fsS -X POST "$BASE_URL/api/auth/signup" -H 'Content-Type: application/json' \
  --data "{\"email\":\"$FUZZ_EMAIL\",\"password\":\"$FUZZ_PASSWORD\",\"name\":\"Fuzz\"}")
echo "$signup" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{if(!JSON.parse(s).accessToken)process.exit(1)})' \
  || { echo "fuzz: sign-up gave no access token" >&2; exit 1; }
echo "fuzz: signed up $FUZZ_EMAIL"

started=$(date +%s)
status=0
SCRIPTS_DIR="$PWD/scripts"
# Run from the work directory: schemathesis keeps a .schemathesis/ cache in its working directory.
(cd "$WORK" && FUZZ_BASE_URL="$BASE_URL" FUZZ_EMAIL="$FUZZ_EMAIL" FUZZ_PASSWORD="$FUZZ_PASSWORD" \
FUZZ_METRICS_TOKEN="$FUZZ_METRICS_TOKEN" \
PYTHONPATH="$SCRIPTS_DIR${PYTHONPATH:+:$PYTHONPATH}" SCHEMATHESIS_HOOKS=fuzz_hooks \
  "$ST" --config-file "$SCRIPTS_DIR/schemathesis.toml" run "$BASE_URL/api/openapi.json" \
    --checks "${FUZZ_CHECKS:-not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection,ignored_auth}" \
    --phases examples,coverage,fuzzing,stateful \
    --max-examples "${FUZZ_MAX_EXAMPLES:-40}" \
    --max-time "${FUZZ_MAX_TIME:-180}" \
    ${FUZZ_SEED:+--seed "$FUZZ_SEED"} \
    --workers 2 \
    --request-timeout 15 \
    --continue-on-failure \
    --report "junit${FUZZ_HAR:+,har}" --report-dir "$WORK/report") >"$FUZZ_LOG" 2>&1 \
  || status=$?
echo "fuzz: schemathesis finished in $(( $(date +%s) - started ))s with exit code $status"
node_modules/.bin/tsx scripts/fuzz-summary.ts "$WORK/report" "$FUZZ_LOG" || echo "fuzz: no report to count (see the log)"
echo "fuzz: full schemathesis output in $FUZZ_LOG"

if grep -qiE '"level":(50|60)|uncaught|unhandled' "$WORK/server.log"; then
  echo "fuzz: the server logged errors:" >&2
  grep -iE '"level":(50|60)|uncaught|unhandled' "$WORK/server.log" | head -20 >&2
  status=1
fi
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
  echo "fuzz: the server died during the run; the end of its log:" >&2
  tail -40 "$WORK/server.log" >&2
  status=1
fi
[ "$status" -eq 0 ] && echo "fuzz: no failures"
exit "$status"
