#!/usr/bin/env bash
# Builds FerretDB (a MongoDB wire-protocol server with an embedded SQLite backend) from the Go module
# proxy, once per machine. Used where mongodb-memory-server cannot download mongod (offline machines).
# The plain `go install` binary panics at start because the module lacks build/version/version.txt,
# so the module is copied, the file written, and the binary built from the copy.
set -euo pipefail

version="${FERRETDB_VERSION:-v1.24.2}"
cache="${SIGMAGPT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sigmagpt}"
out="$cache/ferretdb-$version/ferretdb"

if [ -x "$out" ]; then echo "$out"; exit 0; fi
command -v go >/dev/null || { echo "go is not installed: cannot build FerretDB" >&2; exit 3; }

work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
export GOFLAGS=-mod=mod GOTOOLCHAIN=local
cd "$work"
go mod init ferretdb-build >/dev/null 2>&1
dir=$(go mod download -json "github.com/FerretDB/FerretDB@$version" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
[ -n "$dir" ] || { echo "could not download FerretDB $version from the Go module proxy" >&2; exit 4; }
cp -r "$dir" src && chmod -R u+w src
printf '%s' "$version" > src/build/version/version.txt
(cd src && CGO_ENABLED=0 go build -buildvcs=false -trimpath -o "$work/ferretdb" ./cmd/ferretdb) >&2
mkdir -p "$(dirname "$out")"
mv "$work/ferretdb" "$out.tmp" && mv "$out.tmp" "$out"
echo "$out"
