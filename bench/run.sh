#!/usr/bin/env bash
# npm run bench [-- --smoke] [-- --only=8]: raise the open-file limit as far as this shell may
# (figure 4 holds thousands of sockets per process), build src/ and bench/ with tsc into
# bench/results/tmp/build, then run the harness on the Node that npm put first on PATH (node@24
# from devDependencies). The build is incremental (its .tsbuildinfo lives in the build folder):
# a run after a small change rebuilds in seconds; delete bench/results/tmp/build for a clean one.
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
npx tsc -p bench/tsconfig.json --incremental
exec node bench/results/tmp/build/bench/run.js "$@"
