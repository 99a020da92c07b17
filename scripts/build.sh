#!/usr/bin/env bash
# Compiles the apps into dist/ when a source file changed since the last build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
stamp=dist/.built
if [[ -f $stamp && -z $(find apps libs tsconfig.json tsconfig.build.json package-lock.json -newer "$stamp" -type f -print -quit) ]]; then
  exit 0
fi
npm run -s build
touch "$stamp"
