#!/usr/bin/env bash
# Starts the whole system on one machine: the local Keycloak (unless keycloak.issuer points at
# another), then the anonymizer, the media node and the gateway, and the demo cameras (demo.cameras).
# Ctrl-C stops them all.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib.sh
source "$ROOT/scripts/lib.sh"
cd "$ROOT"
[[ -d node_modules ]] || bash scripts/setup.sh
bash scripts/build.sh

# The effective configuration (borderlens.yml + environment), read by the same code the apps use.
eval "$(node -e '
  const { loadConfig } = require("./dist/libs/config/src");
  try {
    const c = loadConfig();
    const q = JSON.stringify;
    console.log(`ISSUER=${q(c.keycloak.issuer)} GATEWAY=${q(c.gateway.publicUrl)} DATA_DIR=${q(c.dataDir)} DEMO=${c.demo.cameras} MODEL_DIR=${q(c.anonymizer.modelDir)}`);
    // scripts/keycloak.sh reads these from the environment.
    console.log(`export KEYCLOAK_PORT=${c.keycloak.localPort} KEYCLOAK_VERSION=${q(c.keycloak.version)} KEYCLOAK_CACHE_DIR=${q(c.keycloak.cacheDir)}`);
  } catch (e) { console.error(e.message); process.exit(1); }
')"

if [[ -z $ISSUER ]]; then bash scripts/keycloak.sh start; fi
mkdir -p "$DATA_DIR"
# Models downloaded by scripts/setup.sh when the configured directory lacks them.
if [[ ! -f $MODEL_DIR/SHA256SUMS && -f $MODEL_CACHE/SHA256SUMS ]]; then export ANONYMIZER_MODEL_DIR=$MODEL_CACHE; fi

pids=()
demo=()
stop_all() {
  trap - INT TERM EXIT
  for p in "${demo[@]}" "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop_all INT TERM EXIT

for app in anonymizer media gateway; do
  node "dist/apps/$app/src/main.js" &
  pids+=($!)
done
# The demo cameras (demo.cameras) are not part of the platform: their end does not stop it.
if [[ $DEMO == true ]]; then
  node dist/apps/demo/src/main.js &
  demo+=($!)
fi

echo "borderlens: starting; API and docs at $GATEWAY/api/docs (sign in with a demo user, see docs/identity.md)" >&2
# One app ending ends the system: a half-started platform is worse than a clear stop.
wait -n "${pids[@]}"
echo "borderlens: an app stopped; stopping the others" >&2
exit 1
