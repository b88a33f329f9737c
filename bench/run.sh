#!/usr/bin/env bash
# npm run bench [-- --smoke]: raise the open-file limit as far as this shell may (figure 4 holds
# thousands of sockets per process), build src/ and bench/ with tsc into bench/results/tmp/build,
# then run the harness on the Node that npm put first on PATH (node@24 from devDependencies).
# npm run bench:memory [-- --rounds=3 --streams=300 --label=NAME]: the per-stream memory script
# (bench/memory.ts), built into its own folder so it can run beside an edit of src/.
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
entry=run
build=bench/results/tmp/build
if [[ "${1:-}" == memory ]]; then
  entry=memory
  build=bench/results/tmp/build-memory
  shift
fi
rm -rf "$build"
npx tsc -p bench/tsconfig.json --outDir "$build"
exec node --max-old-space-size=4096 "$build/bench/$entry.js" "$@"
