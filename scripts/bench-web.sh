#!/usr/bin/env bash
# npm run bench:web: the web app in a real Chromium against the real system (test/web/bench.e2e-spec.ts):
# first anonymized frame with 1 and 9 tiles, and the JavaScript of the first screen. Ends with one line
# RESULT {json}. Needs what the browser tests need: root (a private network namespace), Chromium
# (apt-get install -y chromium), Keycloak (bash scripts/keycloak.sh start), the models (scripts/setup.sh).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
if [[ ! -x ${CHROMIUM_PATH:-/usr/bin/chromium} ]]; then echo "bench:web: Chromium is missing: apt-get install -y chromium" >&2; exit 1; fi
if ! unshare -n true 2>/dev/null; then echo "bench:web: needs a private network namespace (unshare -n): run as root" >&2; exit 1; fi
bash scripts/keycloak.sh start >&2
bash scripts/build.sh >&2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
BENCH_WEB=1 BENCH_WEB_RESULT="$out" npx jest --selectProjects integration --runInBand --forceExit --testPathPattern 'test/web/bench' >&2
echo "RESULT $(cat "$out")"
