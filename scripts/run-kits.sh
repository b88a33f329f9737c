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
SERVER_PID=""
# shellcheck source=lib/embedded-server.sh
source scripts/lib/embedded-server.sh
status=1

cleanup() {
  stop_embedded_server
  if [ "${status:-1}" != 0 ]; then echo "kits: work directory (server log) kept at $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

start_embedded_server kits "$WORK" RATE_LIMITS_ENABLED=false

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
