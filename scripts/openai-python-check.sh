#!/usr/bin/env bash
# Runs the official Python `openai` SDK against /v1 (scripts/openai-python-check.py): stream,
# non-stream and error mapping. The SDK is pinned and installed from PyPI into a venv cached next to
# the fuzzer's (outside the repo). Starts the server on the embedded defaults (embedded database,
# demo model) on a free port with a throw-away DATA_DIR, signs up a user and creates an API key.
set -euo pipefail
cd "$(dirname "$0")/.."

OPENAI_PY_VERSION=3.57.0
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/sigmagpt"
VENV="${OPENAI_PY_VENV:-$CACHE_DIR/openai-python-venv}"
PY="$VENV/bin/python"

if ! "$PY" -c "import openai,sys; sys.exit(openai.__version__ != '$OPENAI_PY_VERSION')" 2>/dev/null; then
  echo "openai-python: installing openai $OPENAI_PY_VERSION into $VENV"
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "openai==$OPENAI_PY_VERSION"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sigmagpt-openai-py.XXXXXX")
SERVER_PID=""
# shellcheck source=lib/embedded-server.sh
source scripts/lib/embedded-server.sh
status=1

cleanup() {
  stop_embedded_server
  if [ "${status:-1}" != 0 ]; then echo "openai-python: server log kept at $WORK/server.log"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

start_embedded_server openai-python "$WORK" MESSAGES_PER_MINUTE=1000

json_field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s)[process.argv[1]];if(!v)process.exit(1);console.log(v)})' "$1"; }

EMAIL="openai-py.$(date +%s).$RANDOM@example.test"
TOKEN=$(curl -fsS -X POST "$BASE_URL/api/auth/signup" -H 'Content-Type: application/json' \
  --data "{\"email\":\"$EMAIL\",\"password\":\"python-check-password\"}" | json_field accessToken)
KEY=$(curl -fsS -X POST "$BASE_URL/api/keys" -H 'Content-Type: application/json' \
  -H "Authorization: Bearer $TOKEN" --data '{"name":"python check"}' | json_field key)

status=0
SIGMAGPT_BASE_URL="$BASE_URL" SIGMAGPT_API_KEY="$KEY" SIGMAGPT_ACCESS_TOKEN="$TOKEN" \
  "$PY" scripts/openai-python-check.py || status=$?
exit "$status"
