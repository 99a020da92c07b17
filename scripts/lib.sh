# Shared shell helpers for the scripts in this folder (sourced, not run).

# apt_install PKG...: installs Debian packages, with sudo when not root.
apt_install() {
  local sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  echo "borderlens: installing $* (apt-get)" >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# ensure_packages PKG...: installs those of the packages that are not installed yet.
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  (( ${#missing[@]} == 0 )) || apt_install "${missing[@]}"
}

# Debian packages BorderLens needs at run time: ffmpeg for media, Java and Maven for the local
# Keycloak (downloaded from Maven Central), curl and unzip for the scripts, GStreamer's RTSP server
# for the demo fixed camera (demo.cameras).
RUNTIME_PACKAGES=(ffmpeg curl unzip ca-certificates openjdk-17-jre-headless maven
  gir1.2-gst-rtsp-server-1.0 python3-gi gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad)

# Extra packages for the tests: PostgreSQL and NATS servers, Chromium for browser tests,
# GStreamer's RTSP server (camera simulator) and its Python bindings.
TEST_PACKAGES=(postgresql nats-server openssl chromium gstreamer1.0-plugins-ugly gstreamer1.0-libav iproute2 util-linux)

# Where scripts/setup.sh downloads the ONNX models when the configured anonymizer.modelDir (by default
# ../shared/models beside the checkout) does not hold them; scripts/start.sh then uses it.
MODEL_CACHE=${BORDERLENS_MODEL_CACHE:-$HOME/.cache/borderlens/models}

# configured MODEL_DIR: the anonymizer's model directory after borderlens.yml and the environment (needs dist/).
configured_model_dir() {
  node -e 'console.log(require("./dist/libs/config/src").loadConfig().anonymizer.modelDir)'
}
