#!/usr/bin/env bash
# Starts the whole system on one machine: the local Keycloak (unless keycloak.issuer points at
# another), then the anonymizer, the media node and the gateway. Ctrl-C stops all three.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
[[ -d node_modules ]] || bash scripts/setup.sh
bash scripts/build.sh

# The effective configuration (borderlens.yml + environment), read by the same code the apps use.
eval "$(node -e '
  const { loadConfig } = require("./dist/libs/config/src");
  try {
    const c = loadConfig();
    const q = JSON.stringify;
    console.log(`ISSUER=${q(c.keycloak.issuer)} GATEWAY=${q(c.gateway.publicUrl)} DATA_DIR=${q(c.dataDir)}`);
    // scripts/keycloak.sh reads these from the environment.
    console.log(`export KEYCLOAK_PORT=${c.keycloak.localPort} KEYCLOAK_VERSION=${q(c.keycloak.version)} KEYCLOAK_CACHE_DIR=${q(c.keycloak.cacheDir)}`);
  } catch (e) { console.error(e.message); process.exit(1); }
')"

if [[ -z $ISSUER ]]; then bash scripts/keycloak.sh start; fi
mkdir -p "$DATA_DIR"

pids=()
stop_all() {
  trap - INT TERM EXIT
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop_all INT TERM EXIT

for app in anonymizer media gateway; do
  node "dist/apps/$app/src/main.js" &
  pids+=($!)
done

echo "borderlens: starting; API and docs at $GATEWAY/api/docs (sign in with a demo user, see docs/identity.md)" >&2
# One app ending ends the system: a half-started platform is worse than a clear stop.
wait -n
echo "borderlens: an app stopped; stopping the others" >&2
exit 1
