#!/usr/bin/env bash
# Downloads the anonymizer's ONNX models from their upstream locations and checks every file against
# the SHA-256 pinned below (the same list as ../shared/models/SHA256SUMS), then writes SHA256SUMS
# beside them, which the anonymizer checks again at every start.
#
#   npm run models:download -- [DIR]        (default: $ANONYMIZER_MODEL_DIR, else ./models)
#   MODELS_MIRROR=https://mirror.example/models npm run models:download -- DIR
#
# Upstream: YuNet from ShiqiYu/libfacedetection.train (onnx/, Apache-2.0; yunet_s_640_640 is the same
# file as OpenCV Zoo's face_detection_yunet_2023mar.onnx); LPD-YuNet from OpenCV Zoo
# (Apache-2.0), from Hugging Face or GitHub. The dynamic-size LPD-YuNet is not published upstream:
# it is derived here from the fixed-size file (same weights, input height/width made symbolic,
# shape annotations dropped), byte for byte the pinned file. MODELS_MIRROR fetches every file from
# one internal mirror instead (air-gapped installs), laid out as DIR is.
# A file that does not match its hash is never kept; nothing half-downloaded stays behind.
set -euo pipefail

DIR=${1:-${ANONYMIZER_MODEL_DIR:-models}}
MIRROR=${MODELS_MIRROR:-}

SUMS='25a606a145a5b6d7271ae138fbd00eba91dad8b83222ae3f2c7ecd0f4a7b0e31  face/yunet_n_640_640.onnx
104ee26c71d5c270ce79a6b3dced91c91013260d29a6bf18f9296c5b8c4c2b12  face/yunet_n_dynamic.onnx
8f2383e4dd3cfbb4553ea8718107fc0423210dc964f9f4280604804ed2552fa4  face/yunet_s_640_640.onnx
daede24002cc8590f457998cc5e6c9e8b82f45f6bd969506a8913cd4ed10a2d3  face/yunet_s_dynamic.onnx
6d4978a7b6d25514d5e24811b82bfb511d166bdd8ca3b03aa63c1623d4d039c7  plate/license_plate_detection_lpd_yunet_2023mar.onnx
a2459d60cc3179258479400ac8aa1cc2d1bd927fb98f2de2aa75f44024c9ef1a  plate/license_plate_detection_lpd_yunet_2023mar_dynamic.onnx'

YUNET=https://raw.githubusercontent.com/ShiqiYu/libfacedetection.train/master/onnx
ZOO_HF=https://huggingface.co/opencv
ZOO_GH=https://media.githubusercontent.com/media/opencv/opencv_zoo/main/models
LPD=license_plate_detection_lpd_yunet_2023mar.onnx

# Upstream URLs of each file, tried in order.
urls() {
  case $1 in
    face/yunet_s_640_640.onnx)
      echo "$YUNET/yunet_s_640_640.onnx $ZOO_HF/face_detection_yunet/resolve/main/face_detection_yunet_2023mar.onnx $ZOO_GH/face_detection_yunet/face_detection_yunet_2023mar.onnx" ;;
    face/*) echo "$YUNET/${1#face/}" ;;
    plate/$LPD)
      echo "$ZOO_HF/license_plate_detection_yunet/resolve/main/$LPD $ZOO_GH/license_plate_detection_yunet/$LPD" ;;
    *) echo "" ;;
  esac
}

LICENSES="face/yunet_LICENSE=https://raw.githubusercontent.com/ShiqiYu/libfacedetection.train/master/LICENSE
plate/lpd_yunet_opencv_zoo_LICENSE=$ZOO_HF/license_plate_detection_yunet/resolve/main/LICENSE"

say() { echo "models-download: $*" >&2; }
expected() { awk -v f="$1" '$2 == f { print $1 }' <<<"$SUMS"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

need() { command -v "$1" >/dev/null || { say "needs $1"; exit 1; }; }
need curl
need sha256sum

mkdir -p "$DIR/face" "$DIR/plate"
tmp=$(mktemp "$DIR/.download.XXXXXX")
trap 'rm -f "$tmp"' EXIT

# fetch REL URL...: the first URL whose content has the pinned hash becomes DIR/REL.
fetch() {
  local rel=$1 want got url
  shift
  want=$(expected "$rel")
  if [[ -f $DIR/$rel && $(sha "$DIR/$rel") == "$want" ]]; then
    say "$rel already present and verified"
    return 0
  fi
  for url in "$@"; do
    if ! curl -fsSL --retry 2 --connect-timeout 20 -o "$tmp" "$url"; then
      say "$rel: cannot download $url"
      continue
    fi
    got=$(sha "$tmp")
    if [[ $got == "$want" ]]; then
      mv -f "$tmp" "$DIR/$rel"
      say "$rel verified ($want) from $url"
      return 0
    fi
    say "$rel from $url has SHA-256 $got, expected $want: discarded"
  done
  return 1
}

# The dynamic-size LPD-YuNet, derived from the fixed-size one (see the header).
derive_dynamic_lpd() {
  node - "$DIR/plate/$LPD" "$tmp" <<'JS'
const fs = require('fs');
const [src, dst] = process.argv.slice(2);
function varint(b, p) { let r = 0, s = 1; for (;;) { const x = b[p++]; r += (x & 0x7f) * s; s *= 128; if (!(x & 0x80)) return [r, p]; } }
function enc(n) { const o = []; do { let x = n % 128; n = Math.floor(n / 128); if (n) x |= 0x80; o.push(x); } while (n); return Buffer.from(o); }
// Top-level protobuf fields of a message, each with its raw bytes.
function fields(b) {
  const out = [];
  let p = 0;
  while (p < b.length) {
    const start = p;
    let k, v;
    [k, p] = varint(b, p);
    const f = Math.floor(k / 8), t = k & 7;
    if (t === 0) [v, p] = varint(b, p);
    else if (t === 2) { let l; [l, p] = varint(b, p); v = b.subarray(p, p + l); p += l; }
    else if (t === 5) p += 4;
    else if (t === 1) p += 8;
    else throw new Error('not an ONNX file');
    out.push({ f, v, raw: b.subarray(start, p) });
  }
  return out;
}
const ld = (f, payload) => Buffer.concat([enc(f * 8 + 2), enc(payload.length), payload]);
const dimValue = (v) => ld(1, Buffer.concat([Buffer.from([0x08]), enc(v)]));
const dimParam = (s) => ld(1, ld(2, Buffer.from(s)));
// ValueInfoProto { name, type: TypeProto { tensor_type { elem_type: FLOAT, shape { dim... } } } }
const valueInfo = (name, dims) => Buffer.concat([ld(1, Buffer.from(name)), ld(2, ld(1, Buffer.concat([Buffer.from([0x08, 0x01]), ld(2, Buffer.concat(dims))])))]);
const model = fields(fs.readFileSync(src));
const graph = fields(model.find((x) => x.f === 7).v);
// Keep nodes (1), name (2) and initializers (5) as they are; new inputs/outputs; no value_info (13).
const parts = graph.filter((x) => x.f === 1 || x.f === 2 || x.f === 5).map((x) => x.raw);
parts.push(ld(11, valueInfo('input', [dimValue(1), dimValue(3), dimParam('height'), dimParam('width')])));
for (const o of ['loc', 'conf', 'iou']) parts.push(ld(12, valueInfo(o, [dimParam('n'), dimParam('n')])));
fs.writeFileSync(dst, Buffer.concat(model.map((x) => (x.f === 7 ? ld(7, Buffer.concat(parts)) : x.raw))));
JS
}

failed=0
while read -r _ rel; do
  if [[ -n $MIRROR ]]; then
    sources=("${MIRROR%/}/$rel")
  else
    read -r -a sources <<<"$(urls "$rel")"
  fi
  if [[ $rel == plate/${LPD%.onnx}_dynamic.onnx ]]; then
    want=$(expected "$rel")
    if [[ -f $DIR/$rel && $(sha "$DIR/$rel") == "$want" ]]; then say "$rel already present and verified"; continue; fi
    if [[ -n $MIRROR ]] && fetch "$rel" "${sources[@]}" 2>/dev/null; then continue; fi
    if [[ -f $DIR/plate/$LPD ]] && need node && derive_dynamic_lpd && [[ $(sha "$tmp") == "$want" ]]; then
      mv -f "$tmp" "$DIR/$rel"
      say "$rel derived from $LPD and verified ($want)"
    else
      say "$rel: could not be derived with the pinned hash"
      failed=1
    fi
    continue
  fi
  fetch "$rel" "${sources[@]}" || { say "$rel: no source gave the pinned file"; failed=1; }
done <<<"$SUMS"

if [[ -z $MIRROR ]]; then
  while IFS='=' read -r rel url; do
    [[ -f $DIR/$rel ]] || curl -fsSL --connect-timeout 20 -o "$DIR/$rel" "$url" 2>/dev/null || { rm -f "$DIR/$rel"; say "licence $rel not fetched (see $url)"; }
  done <<<"$LICENSES"
fi

if [[ $failed != 0 ]]; then
  say "FAILED: some models are missing or did not verify; the anonymizer will refuse to start with $DIR"
  exit 1
fi
printf '%s\n' "$SUMS" >"$DIR/SHA256SUMS"
say "all models verified in $DIR; set anonymizer.modelDir (ANONYMIZER_MODEL_DIR) to $(cd "$DIR" && pwd)"
