#!/usr/bin/env bash
# Installs what BorderLens needs on Debian 12 with Node >= 20 (run as root or with sudo):
# Debian packages (ffmpeg, Java and Maven for the local Keycloak, GStreamer for the demo camera), npm
# packages, the build, and the ONNX models when ../shared/models is not there.
#   scripts/setup.sh              run-time packages
#   scripts/setup.sh --tests      also what the tests need (PostgreSQL, NATS, Chromium, GStreamer)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib.sh
source "$ROOT/scripts/lib.sh"
cd "$ROOT"

major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if (( major < 20 )); then
  echo "borderlens: Node.js >= 20 is required (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

ensure_packages "${RUNTIME_PACKAGES[@]}"
[[ ${1:-} == --tests ]] && ensure_packages "${TEST_PACKAGES[@]}"

# onnxruntime-node would otherwise try to download CUDA files from GitHub; its CPU binary is in the package.
export ONNXRUNTIME_NODE_INSTALL=skip
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi
bash scripts/build.sh

# The ONNX models: used in place where the configured directory has them (../shared/models on the
# project's machines), else downloaded once from upstream into the cache and checked against the
# pinned SHA-256 (scripts/models-download.sh).
if [[ ! -f $(configured_model_dir)/SHA256SUMS && ! -f $MODEL_CACHE/SHA256SUMS ]]; then
  bash scripts/models-download.sh "$MODEL_CACHE"
fi
