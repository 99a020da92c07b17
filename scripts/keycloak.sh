#!/usr/bin/env bash
# Local Keycloak for BorderLens (development, tests, the embedded default).
#
#   scripts/keycloak.sh start        download (Maven Central, cached), import the realm, start, wait
#   scripts/keycloak.sh stop         stop the instance this script started
#   scripts/keycloak.sh status       exit 0 when the realm answers, 3 when not
#   scripts/keycloak.sh logs [-f]    last lines of the server log (or follow it)
#
# Environment (mirrors the keycloak.* options in libs/config/src/options.ts):
#   KEYCLOAK_VERSION    default 26.4.0
#   KEYCLOAK_PORT       default 8180
#   KEYCLOAK_CACHE_DIR  default ~/.cache/borderlens (download, unpacked server, H2 data, log, pid)
#   KEYCLOAK_ADMIN_PASSWORD  master-realm bootstrap admin `admin` (default borderlens-admin), first start only
#   KEYCLOAK_START_TIMEOUT   seconds to wait for the realm, default 180
#   JAVA_OPTS_KC_HEAP   JVM heap flags, default -Xms64m -Xmx512m
#   KEYCLOAK_ISSUER     when set to another issuer, `start` does nothing (an existing Keycloak is used)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib.sh
source "$ROOT/scripts/lib.sh"
VERSION=${KEYCLOAK_VERSION:-26.4.0}
PORT=${KEYCLOAK_PORT:-8180}
CACHE=${KEYCLOAK_CACHE_DIR:-$HOME/.cache/borderlens}
CACHE=${CACHE/#\~/$HOME}
TIMEOUT=${KEYCLOAK_START_TIMEOUT:-180}
REALM=borderlens
REALM_FILE=$ROOT/deploy/keycloak/borderlens-realm.json

ZIP=$CACHE/keycloak-quarkus-dist-$VERSION.zip
DIST=$CACHE/keycloak-$VERSION
PID_FILE=$CACHE/keycloak.pid
LOG_FILE=$CACHE/keycloak.log
# Checksum of the realm file the H2 database was built from; lives beside that database.
IMPORTED_SUM=$DIST/data/borderlens-realm.sha256
BASE_URL=http://127.0.0.1:$PORT
DISCOVERY=$BASE_URL/realms/$REALM/.well-known/openid-configuration

log() { echo "keycloak: $*" >&2; }
die() { log "$*"; exit 1; }

answers() { curl -fsS -o /dev/null --max-time 3 "$DISCOVERY" 2>/dev/null; }

running_pid() {
  local pid
  [[ -f $PID_FILE ]] || return 1
  pid=$(<"$PID_FILE")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && { echo "$pid"; return 0; }
  return 1
}

java_major() { java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1; }

ensure_tools() {
  local missing=()
  command -v curl >/dev/null || missing+=(curl)
  command -v unzip >/dev/null || missing+=(unzip)
  local major=0
  command -v java >/dev/null && major=$(java_major)
  [[ ${major:-0} -ge 17 ]] || missing+=(openjdk-17-jre-headless)
  command -v mvn >/dev/null || missing+=(maven)
  (( ${#missing[@]} == 0 )) || apt_install "${missing[@]}"
}

download() {
  [[ -d $DIST/bin ]] && return 0
  mkdir -p "$CACHE"
  if [[ ! -s $ZIP ]]; then
    log "downloading org.keycloak:keycloak-quarkus-dist:$VERSION:zip from Maven Central"
    mvn -B -q dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$VERSION:zip" -DoutputDirectory="$CACHE" \
      || die "download of Keycloak $VERSION failed"
  fi
  # Unpack beside the target and rename, so an interrupted unzip never looks like a server.
  local tmp=$CACHE/.unpack-$$
  rm -rf "$tmp"
  if ! unzip -q "$ZIP" -d "$tmp"; then
    rm -rf "$tmp" "$ZIP"
    die "$ZIP is damaged; removed it, run start again to download it anew"
  fi
  mv "$tmp/keycloak-$VERSION" "$DIST"
  rm -rf "$tmp"
}

# start-dev imports a realm only when it does not exist yet, so a changed realm file means a fresh H2 database.
stage_realm() {
  local sum
  sum=$(sha256sum "$REALM_FILE" | cut -d' ' -f1)
  if [[ -d $DIST/data/h2 && "$(cat "$IMPORTED_SUM" 2>/dev/null)" != "$sum" ]]; then
    log "realm file changed since the last import: dropping the local H2 database to re-import it"
    rm -rf "$DIST/data/h2" "$IMPORTED_SUM"
  fi
  mkdir -p "$DIST/data/import"
  cp "$REALM_FILE" "$DIST/data/import/borderlens-realm.json"
  echo "$sum"
}

wait_ready() {
  local pid=$1 deadline=$((SECONDS + TIMEOUT))
  until answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "Keycloak exited during start-up; last log lines ($LOG_FILE):"
      tail -n 60 "$LOG_FILE" >&2 || true
      rm -f "$PID_FILE"
      exit 1
    fi
    if (( SECONDS >= deadline )); then
      log "realm did not answer at $DISCOVERY within ${TIMEOUT}s; last log lines ($LOG_FILE):"
      tail -n 60 "$LOG_FILE" >&2 || true
      exit 1
    fi
    sleep 1
  done
}

cmd_start() {
  local external=${KEYCLOAK_ISSUER:-}
  if [[ -n $external && ${external%/} != "$BASE_URL/realms/$REALM" ]]; then
    log "KEYCLOAK_ISSUER=$external is set: using that Keycloak, not starting a local one"
    return 0
  fi
  [[ -f $REALM_FILE ]] || die "missing $REALM_FILE"
  mkdir -p "$CACHE"
  # Concurrent starts (parallel test runs, setup scripts) queue here instead of racing for the port.
  exec 9>"$CACHE/keycloak.lock"
  flock 9
  if answers; then
    if [[ -f $IMPORTED_SUM && "$(cat "$IMPORTED_SUM")" != "$(sha256sum "$REALM_FILE" | cut -d' ' -f1)" ]]; then
      log "warning: the running instance was imported from an older realm file; run stop, then start, to re-import"
    fi
    log "already running: $BASE_URL/realms/$REALM"
    return 0
  fi
  local pid started=$SECONDS sum
  if pid=$(running_pid); then
    log "process $pid is still starting; waiting for it"
    wait_ready "$pid"
    log "ready after $((SECONDS - started))s: $BASE_URL/realms/$REALM"
    return 0
  fi
  ensure_tools
  download
  sum=$(stage_realm)
  log "starting Keycloak $VERSION on $BASE_URL (log: $LOG_FILE)"
  : >"$LOG_FILE"
  # Own session, so `stop` can end the launcher and its JVM together; no inherited stdio, so callers
  # such as spawnSync return once this script exits.
  (
    # Inherited descriptors close here: `flock FILE cmd` holds its lock on one (fd 3), and a JVM
    # keeping it would hold every other caller's lock for as long as Keycloak runs.
    for fd in $(ls "/proc/$BASHPID/fd"); do if ((fd > 2)); then eval "exec $fd>&-"; fi; done
    cd "$DIST"
    export JAVA_OPTS_KC_HEAP=${JAVA_OPTS_KC_HEAP:--Xms64m -Xmx512m}
    export KC_BOOTSTRAP_ADMIN_USERNAME=admin
    export KC_BOOTSTRAP_ADMIN_PASSWORD=${KEYCLOAK_ADMIN_PASSWORD:-borderlens-admin}
    exec setsid bin/kc.sh start-dev --http-port "$PORT" --http-host 127.0.0.1 \
      --hostname "$BASE_URL" --import-realm </dev/null >>"$LOG_FILE" 2>&1
  ) 9>&- &
  pid=$!
  echo "$pid" >"$PID_FILE"
  wait_ready "$pid"
  echo "$sum" >"$IMPORTED_SUM"
  log "ready after $((SECONDS - started))s: $BASE_URL/realms/$REALM (pid $pid)"
}

cmd_stop() {
  local pid
  if ! pid=$(running_pid); then
    rm -f "$PID_FILE"
    if answers; then log "a Keycloak answers on port $PORT but was not started by this script; left alone"; else log "not running"; fi
    return 0
  fi
  log "stopping pid $pid"
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"
  for _ in $(seq 1 30); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "still running after 30s; killing"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid"
  fi
  rm -f "$PID_FILE"
  log "stopped"
}

cmd_status() {
  local pid
  if answers; then
    pid=$(running_pid || echo "not started by this script")
    echo "running: $BASE_URL/realms/$REALM (pid $pid)"
    echo "issuer:  $BASE_URL/realms/$REALM"
    echo "admin:   $BASE_URL/admin/ (master realm user admin)"
    return 0
  fi
  if pid=$(running_pid); then echo "starting (pid $pid), realm not answering yet"; else echo "not running"; fi
  return 3
}

cmd_logs() {
  [[ -f $LOG_FILE ]] || die "no log yet at $LOG_FILE"
  if [[ ${1:-} == -f ]]; then exec tail -n 50 -f "$LOG_FILE"; fi
  tail -n "${LINES:-200}" "$LOG_FILE"
}

case ${1:-} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  logs) shift; cmd_logs "$@" ;;
  *) echo "usage: $0 start|stop|status|logs [-f]" >&2; exit 2 ;;
esac
