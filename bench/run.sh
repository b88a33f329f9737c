#!/usr/bin/env bash
# npm run bench [-- --smoke]: raise the open-file limit as far as this shell may (figure 4 holds
# thousands of sockets per process), build src/ and bench/ with tsc into bench/results/tmp/build,
# then run the harness on the Node that npm put first on PATH (node@24 from devDependencies).
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
rm -rf bench/results/tmp/build
npx tsc -p bench/tsconfig.json
exec node bench/results/tmp/build/bench/run.js "$@"
