#!/usr/bin/env bash
# The runtime tree of the container image, assembled from a checkout where `npm ci` has run (which
# builds dist/ and the portal): exactly what the Containerfile's build stage runs, so a test can run
# it here, where no container engine is available (test/packaging/container-recipe.test.ts).
#   packaging/container/assemble.sh OUT
# OUT gets package.json, bin/, dist/src/, portal/build/ and node_modules/ without devDependencies.
set -euo pipefail
out=${1:?usage: assemble.sh OUT}
cd "$(dirname "$0")/../.."
[ -f dist/src/elevate.js ] && [ -f portal/build/index.html ] || { echo "assemble.sh: run npm ci (which builds) first" >&2; exit 1; }
mkdir -p "$out/dist" "$out/portal"
cp package.json package-lock.json "$out/"
cp -R bin "$out/bin"
cp -R dist/src "$out/dist/src"
cp -R portal/build "$out/portal/build"
cp -R "$(readlink -f node_modules)" "$out/node_modules"
# Development packages (compiler, test tools, browser driver) never reach the image; the native
# modules built by npm ci stay as they are. --ignore-scripts: nothing is rebuilt or run.
(cd "$out" && npm prune --omit=dev --ignore-scripts --no-audit --no-fund --offline >/dev/null)
rm "$out/package-lock.json"
# The image's own Node 24 runs Elevate: the copy npm installed as the package `node` is not needed.
rm -rf "$out/node_modules/node" "$out/node_modules/.bin/node"
# npm leaves the emptied scope folders (@types, @esbuild) behind.
find "$out/node_modules" -mindepth 1 -maxdepth 1 -type d -empty -delete
