#!/usr/bin/env bash
# Builds the benchmark's in-memory database (mongo-java-server behind BenchMongoServer.java) with
# Maven from Maven Central, once per machine and per version of this folder, into a cache outside
# the repository. Prints the folder holding bench-mongo-server.jar and lib/ (its dependencies).
# Exits non-zero, saying why on stderr, when Java 17, Maven or the registry is missing: the
# harness then falls back to FerretDB.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cache="${SIGMAGPT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sigmagpt}"
# Keyed by the sources, so an edit to the pom or any Java file rebuilds instead of reusing a stale jar.
key=$(cat "$here/pom.xml" $(find "$here/src" -name '*.java' | sort) | sha256sum | cut -c1-12)
out="$cache/bench-mongo-server-$key"

if [ -f "$out/bench-mongo-server.jar" ]; then echo "$out"; exit 0; fi
command -v java >/dev/null || { echo "java is not installed: cannot run mongo-java-server" >&2; exit 3; }
command -v mvn >/dev/null || { echo "mvn is not installed: cannot build mongo-java-server" >&2; exit 3; }
major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
[ "${major:-0}" -ge 17 ] || { echo "java ${major:-?} found, 17 or newer needed" >&2; exit 3; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$here/pom.xml" "$here/src" "$work/"
(cd "$work" && mvn -q -B -Dstyle.color=never package dependency:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory=target/lib) >&2 \
  || { echo "Maven could not build mongo-java-server (offline, or Maven Central unreachable?)" >&2; exit 4; }
mkdir -p "$out.tmp"
cp "$work/target/bench-mongo-server-1.jar" "$out.tmp/bench-mongo-server.jar"
cp -r "$work/target/lib" "$out.tmp/lib"
rm -rf "$out" && mv "$out.tmp" "$out"
echo "$out"
