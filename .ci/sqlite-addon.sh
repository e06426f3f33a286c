#!/usr/bin/env bash
# better-sqlite3's native addon, compiled while `npm ci` downloads: its compile (mostly one gcc on
# sqlite3.c, ~100 s) is CI's longest step, and npm ci only waits on the network.
#   .ci/sqlite-addon.sh build DIR   fetch the version package-lock.json pins (its integrity
#                                   checked), unpack it in DIR and compile it there
#   .ci/sqlite-addon.sh install DIR put DIR's addon into node_modules/better-sqlite3 (after npm ci)
# Prebuilt binaries come from GitHub, which is unreachable here: node-gyp compiles against the
# local Node headers (nodedir), through ccache when it is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="$1"
dir="$2"
addon=build/Release/better_sqlite3.node

if [ "$mode" = "install" ]; then
  mkdir -p node_modules/better-sqlite3/build/Release
  cp "$dir/package/$addon" "node_modules/better-sqlite3/$addon"
  # the addon must load in this Node (same ABI as the headers it was compiled against)
  node -e 'new (require("better-sqlite3"))(":memory:").prepare("select 1").get()'
  echo "better-sqlite3: addon installed from $dir"
  exit 0
fi

mkdir -p "$dir"
read -r version integrity < <(node -e '
  const p = require("./package-lock.json").packages["node_modules/better-sqlite3"];
  console.log(p.version, p.integrity);
')
tarball="$dir/$(npm pack "better-sqlite3@$version" --pack-destination "$dir" --silent)"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$integrity" ]; then
  echo "better-sqlite3@$version: integrity $actual is not package-lock.json's $integrity" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$dir"
gyp="$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js"
cd "$dir/package"
if command -v ccache >/dev/null 2>&1; then
  # paths relative to the package folder, wherever it is unpacked, so a second run hits the cache
  export CC="ccache gcc" CXX="ccache g++" CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
fi
# its two targets side by side
JOBS=max node "$gyp" rebuild --release --nodedir="${npm_config_nodedir:-/usr}"
if command -v ccache >/dev/null 2>&1; then ccache --show-stats 2>/dev/null | grep -Ei "hits|misses" | head -n 3 || true; fi
ls -l "$addon"
