import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, appendFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ModelRepository } from '../../apps/anonymizer/src/repositories/model.repository';
import { MODEL_DIR, ROOT } from '../support/anonymizer-process';

const FILES = [
  'face/yunet_n_640_640.onnx',
  'face/yunet_n_dynamic.onnx',
  'face/yunet_s_640_640.onnx',
  'face/yunet_s_dynamic.onnx',
  'plate/license_plate_detection_lpd_yunet_2023mar.onnx',
  'plate/license_plate_detection_lpd_yunet_2023mar_dynamic.onnx',
  'object/yolox_nano.onnx',
  'object/yolox_nano_dyn.onnx',
];
/** The dynamic-size files, which upstream does not publish: the script derives them. */
const DERIVED = new Set(['plate/license_plate_detection_lpd_yunet_2023mar_dynamic.onnx', 'object/yolox_nano_dyn.onnx']);

/** An internal mirror on loopback serving a directory (GitHub and Hugging Face are not reachable from tests). */
function serve(dir: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = join(dir, decodeURIComponent((req.url ?? '/').split('?')[0]));
    if (!path.startsWith(dir) || !existsSync(path)) return res.writeHead(404).end();
    res.writeHead(200).end(readFileSync(path));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server })));
}

function mirrorOf(files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'bl-mirror-'));
  for (const f of files) {
    mkdirSync(join(dir, f.split('/')[0]), { recursive: true });
    copyFileSync(join(MODEL_DIR, f), join(dir, f));
  }
  return dir;
}

/** Runs the script without blocking this process (the mirror is served from here). */
function download(target: string, mirror: string): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      [join(ROOT, 'scripts/models-download.sh'), target],
      { env: { ...process.env, MODELS_MIRROR: mirror }, encoding: 'utf8', timeout: 120_000 },
      (e, _out, stderr) => resolve({ status: e ? (typeof e.code === 'number' ? e.code : null) : 0, stderr }),
    );
  });
}

describe('scripts/models-download.sh', () => {
  it('downloads and verifies every model, derives the dynamic LPD-YuNet and YOLOX-Nano, and writes SHA256SUMS the anonymizer accepts', async () => {
    // The mirror lacks the dynamic plate and object models, as upstream does.
    const mirror = mirrorOf(FILES.filter((f) => !DERIVED.has(f)));
    const { url, server } = await serve(mirror);
    const target = join(mkdtempSync(join(tmpdir(), 'bl-dl-')), 'models');
    try {
      const r = await download(target, url);
      expect(r.status).toBe(0);
      expect(r.stderr).toContain('license_plate_detection_lpd_yunet_2023mar_dynamic.onnx derived from');
      expect(r.stderr).toContain('object/yolox_nano_dyn.onnx derived from yolox_nano.onnx');
      const infos = await new ModelRepository(target).verify(Object.fromEntries(FILES.map((f) => [f, f])));
      expect(infos).toHaveLength(FILES.length);
      expect(readFileSync(join(target, 'SHA256SUMS'), 'utf8')).toBe(readFileSync(join(MODEL_DIR, 'SHA256SUMS'), 'utf8'));
    } finally {
      server.close();
      for (const d of [mirror, dirname(target)]) rmSync(d, { recursive: true, force: true });
    }
  });

  it('discards a file with another hash and fails without writing SHA256SUMS', async () => {
    const dir = mirrorOf(FILES);
    appendFileSync(join(dir, 'face/yunet_n_dynamic.onnx'), 'tampered');
    const { url, server } = await serve(dir);
    const target = join(mkdtempSync(join(tmpdir(), 'bl-dl-')), 'models');
    try {
      const r = await download(target, url);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/face\/yunet_n_dynamic\.onnx from .* has SHA-256 [0-9a-f]{64}, expected 104ee26c/);
      expect(existsSync(join(target, 'face/yunet_n_dynamic.onnx'))).toBe(false);
      expect(existsSync(join(target, 'SHA256SUMS'))).toBe(false);
      expect(readdirSync(target).filter((f) => f.startsWith('.download'))).toEqual([]);
    } finally {
      server.close();
      for (const d of [dir, dirname(target)]) rmSync(d, { recursive: true, force: true });
    }
  });
});
