#!/usr/bin/env bash
# Compiles the server code into a private output folder, so several people (or agents) working in
# one checkout do not overwrite each other's dist/. Usage: scripts/dev-build.sh .build/<name>
set -euo pipefail
out=${1:?usage: scripts/dev-build.sh <out dir>}
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.build.json --outDir "$out" --tsBuildInfoFile "$out/.tsbuildinfo" || status=$?
npx tsc-alias -p tsconfig.build.json --outDir "$out"
exit "${status:-0}"
