#!/usr/bin/env bash
# Runs all tests on a fresh Debian 12 machine or a developer's: installs what is missing,
# starts PostgreSQL, NATS and the local Keycloak when they do not answer, builds, then runs
# the unit tests, the medium tests (gateway services on PostgreSQL and PGlite) and the integration
# tests (real servers, loopback only).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib.sh
source "$ROOT/scripts/lib.sh"
cd "$ROOT"

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {
  local port=$1 what=$2
  for _ in $(seq 1 60); do answers "$port" && return 0; sleep 1; done
  echo "borderlens: $what did not come up on 127.0.0.1:$port" >&2
  exit 1
}

bash scripts/setup.sh --tests

# PostgreSQL for the medium and repository tests (TEST_DATABASE_URL overrides).
export TEST_DATABASE_URL=${TEST_DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/postgres}
if [[ $TEST_DATABASE_URL == *127.0.0.1:5432* ]] && ! answers 5432; then
  cluster=$(ls /etc/postgresql | sort -V | tail -n1)
  pg_ctlcluster --skip-systemctl-redirect "$cluster" main start
  wait_port 5432 PostgreSQL
fi
if ! psql "$TEST_DATABASE_URL" -qAtc 'select 1' >/dev/null 2>&1; then
  # A fresh Debian cluster asks for a password on TCP; give the postgres role the test one.
  runuser -u postgres -- psql -qc "ALTER USER postgres PASSWORD 'postgres'"
fi

# NATS for the transport tests (TEST_NATS_URL overrides): a plain server for the tests that only need a
# bus. The wire tests (test/transport/wire-attacks.e2e-spec.ts, test/support/nats-tls.ts) start their
# own nats-server with TLS (certificates made with openssl at test time) and one user per app.
export TEST_NATS_URL=${TEST_NATS_URL:-nats://127.0.0.1:4222}
if [[ $TEST_NATS_URL == *127.0.0.1:4222* ]] && ! answers 4222; then
  mkdir -p /tmp/borderlens-nats
  setsid nats-server -a 127.0.0.1 -p 4222 -js -sd /tmp/borderlens-nats >/tmp/borderlens-nats/nats.log 2>&1 < /dev/null &
  wait_port 4222 NATS
fi

bash scripts/keycloak.sh start

# Lint first: a style or unused-code error fails CI before the long test runs.
npm run --silent lint

results=$(mktemp -d)
status=0
# --forceExit: integration tests leave client sockets and timers of real servers behind; a bounded
# run matters more in CI than waiting for each to wind down.
timeout 15m npx jest --selectProjects unit --forceExit --json --outputFile "$results/unit.json" || status=1
# Medium tier: needs only PostgreSQL (TEST_DATABASE_URL, above) and runs PGlite in-process.
timeout 5m npx jest --selectProjects medium --runInBand --forceExit --json --outputFile "$results/medium.json" || status=1
timeout 45m npx jest --selectProjects integration --runInBand --forceExit --json --outputFile "$results/integration.json" || status=1

# One closing line for all runs.
node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const f of process.argv.slice(1)) {
    if (!fs.existsSync(f)) { failed++; continue; }
    const r = JSON.parse(fs.readFileSync(f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests + r.numRuntimeErrorTestSuites; skipped += r.numPendingTests;
  }
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$results/unit.json" "$results/medium.json" "$results/integration.json"
rm -rf "$results"
exit $status
