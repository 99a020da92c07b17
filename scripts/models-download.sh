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
# (Apache-2.0), from Hugging Face or GitHub; YOLOX-Nano (persons and vehicles, Apache-2.0) from the
# Megvii YOLOX release 0.1.1rc0, or OpenCV Zoo. The dynamic-size LPD-YuNet and YOLOX-Nano are not
# published upstream: they are derived here from the fixed-size files (same weights, input
# height/width made symbolic, shape annotations dropped), byte for byte the pinned files. MODELS_MIRROR fetches every file from
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
a2459d60cc3179258479400ac8aa1cc2d1bd927fb98f2de2aa75f44024c9ef1a  plate/license_plate_detection_lpd_yunet_2023mar_dynamic.onnx
c789161ed43c8269fcd4e67c67eeeb4e80c622da2eb296a20bc6007bd18a0b7d  object/yolox_nano.onnx
faff1f349aaf12c619612f85ad44c9f52b437b58d4d1ee10275d6b62d9670cea  object/yolox_nano_dyn.onnx'

YUNET=https://raw.githubusercontent.com/ShiqiYu/libfacedetection.train/master/onnx
ZOO_HF=https://huggingface.co/opencv
ZOO_GH=https://media.githubusercontent.com/media/opencv/opencv_zoo/main/models
YOLOX=https://github.com/Megvii-BaseDetection/YOLOX/releases/download/0.1.1rc0
LPD=license_plate_detection_lpd_yunet_2023mar.onnx

# Upstream URLs of each file, tried in order.
urls() {
  case $1 in
    face/yunet_s_640_640.onnx)
      echo "$YUNET/yunet_s_640_640.onnx $ZOO_HF/face_detection_yunet/resolve/main/face_detection_yunet_2023mar.onnx $ZOO_GH/face_detection_yunet/face_detection_yunet_2023mar.onnx" ;;
    face/*) echo "$YUNET/${1#face/}" ;;
    object/yolox_nano.onnx)
      echo "$YOLOX/yolox_nano.onnx https://media.githubusercontent.com/media/opencv/opencv_zoo/371cb249/models/object_detection_yolox/yolox_nano.onnx" ;;
    plate/$LPD)
      echo "$ZOO_HF/license_plate_detection_yunet/resolve/main/$LPD $ZOO_GH/license_plate_detection_yunet/$LPD" ;;
    *) echo "" ;;
  esac
}

LICENSES="face/yunet_LICENSE=https://raw.githubusercontent.com/ShiqiYu/libfacedetection.train/master/LICENSE
plate/lpd_yunet_opencv_zoo_LICENSE=$ZOO_HF/license_plate_detection_yunet/resolve/main/LICENSE
object/yolox_LICENSE=https://raw.githubusercontent.com/Megvii-BaseDetection/YOLOX/main/LICENSE"

say() { echo "models-download: $*" >&2; }
expected() { awk -v f="$1" '$2 == f { print $1 }' <<<"$SUMS"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

need() { command -v "$1" >/dev/null || { say "needs $1"; exit 1; }; }
need curl
need sha256sum

mkdir -p "$DIR/face" "$DIR/plate" "$DIR/object"
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

# derive_dynamic SRC: the dynamic-size variant of a fixed-size model (see the header) into $tmp: the same
# nodes, name and weights, the declared input and output shapes made symbolic, value_info dropped.
# YOLOX's published dynamic file was written by a serializer that packs repeated numbers, so its
# attribute ints/floats and tensor dims are packed too (same values, other bytes).
derive_dynamic() {
  node - "$1" "$tmp" <<'JS'
const fs = require('fs');
const [src, dst] = process.argv.slice(2);
const SHAPES = {
  'license_plate_detection_lpd_yunet_2023mar.onnx': { pack: false, input: ['input', [1, 3, 'height', 'width']], outputs: [['loc', ['n', 'n']], ['conf', ['n', 'n']], ['iou', ['n', 'n']]] },
  'yolox_nano.onnx': { pack: true, input: ['images', [1, 3, 'height', 'width']], outputs: [['output', [1, 'anchors', 85]]] },
};
const spec = SHAPES[src.split('/').pop()];
function varint(b, p) { let r = 0, s = 1; for (;;) { const x = b[p++]; r += (x & 0x7f) * s; s *= 128; if (!(x & 0x80)) return [r, p]; } }
function enc(n) { const o = []; do { let x = n % 128; n = Math.floor(n / 128); if (n) x |= 0x80; o.push(x); } while (n); return Buffer.from(o); }
// Top-level protobuf fields of a message, each with its raw bytes and its value's bytes.
function fields(b) {
  const out = [];
  let p = 0;
  while (p < b.length) {
    const start = p;
    let k, v;
    [k, p] = varint(b, p);
    const f = Math.floor(k / 8), t = k & 7, at = p;
    if (t === 0) [, p] = varint(b, p);
    else if (t === 2) { let l; [l, p] = varint(b, p); v = b.subarray(p, p + l); p += l; }
    else if (t === 5) p += 4;
    else if (t === 1) p += 8;
    else throw new Error('not an ONNX file');
    out.push({ f, t, v, val: v ?? b.subarray(at, p), raw: b.subarray(start, p) });
  }
  return out;
}
const ld = (f, payload) => Buffer.concat([enc(f * 8 + 2), enc(payload.length), payload]);
// Repeated scalar fields `nums` of a message written packed, in place of their first occurrence.
function packed(msg, nums) {
  const all = fields(msg), seen = new Set();
  return Buffer.concat(all.flatMap((x) => {
    if (!nums.includes(x.f) || x.t === 2) return [x.raw];
    if (seen.has(x.f)) return [];
    seen.add(x.f);
    return [ld(x.f, Buffer.concat(all.filter((y) => y.f === x.f).map((y) => y.val)))];
  }));
}
// NodeProto attributes (5): AttributeProto floats (7), ints (8); TensorProto dims (1).
const packNode = (node) => Buffer.concat(fields(node).map((x) => (x.f === 5 ? ld(5, packed(x.v, [7, 8])) : x.raw)));
const dim = (d) => (typeof d === 'number' ? ld(1, Buffer.concat([Buffer.from([0x08]), enc(d)])) : ld(1, ld(2, Buffer.from(d))));
// ValueInfoProto { name, type: TypeProto { tensor_type { elem_type: FLOAT, shape { dim... } } } }
const valueInfo = ([name, dims]) => Buffer.concat([ld(1, Buffer.from(name)), ld(2, ld(1, Buffer.concat([Buffer.from([0x08, 0x01]), ld(2, Buffer.concat(dims.map(dim)))])))]);
const model = fields(fs.readFileSync(src));
const graph = fields(model.find((x) => x.f === 7).v);
// Keep nodes (1), name (2) and initializers (5); new inputs (11) and outputs (12); no value_info (13).
const parts = graph.filter((x) => x.f === 1 || x.f === 2 || x.f === 5).map((x) => {
  if (!spec.pack || x.f === 2) return x.raw;
  return x.f === 1 ? ld(1, packNode(x.v)) : ld(5, packed(x.v, [1]));
});
parts.push(ld(11, valueInfo(spec.input)));
for (const o of spec.outputs) parts.push(ld(12, valueInfo(o)));
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
  # Dynamic-size files not published upstream: derived from their fixed-size file.
  case $rel in
    plate/${LPD%.onnx}_dynamic.onnx) fixed=plate/$LPD ;;
    object/yolox_nano_dyn.onnx) fixed=object/yolox_nano.onnx ;;
    *) fixed= ;;
  esac
  if [[ -n $fixed ]]; then
    want=$(expected "$rel")
    if [[ -f $DIR/$rel && $(sha "$DIR/$rel") == "$want" ]]; then say "$rel already present and verified"; continue; fi
    if [[ -n $MIRROR ]] && fetch "$rel" "${sources[@]}" 2>/dev/null; then continue; fi
    if [[ -f $DIR/$fixed ]] && need node && derive_dynamic "$DIR/$fixed" && [[ $(sha "$tmp") == "$want" ]]; then
      mv -f "$tmp" "$DIR/$rel"
      say "$rel derived from ${fixed#*/} and verified ($want)"
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
