import * as ort from 'onnxruntime-node';
import { join } from 'node:path';
import { isCovered, loadRgb } from '../../bench/eval-set';
import { evalImage, MODEL_DIR, rgbToI420, testConfig } from '../testing/eval-fixtures';
import { loadDetector, modeOverrides, verifyModels } from './detector.factory';
import type { Detector } from './detector';
import { lpdPriors } from './lpd-yunet.decoder';

/** Detection with the real models on labelled evaluation images (../shared/eval). */
describe('Detector on evaluation images', () => {
  const cfg = testConfig();
  let detector: Detector;

  beforeAll(async () => {
    detector = (await loadDetector(cfg, await verifyModels(cfg))).detector;
  });
  afterAll(() => detector.release());

  it.each(['0_Parade_marchingband_1_746.jpg', '2_Demonstration_Demonstrators_2_456.jpg', '7_Cheering_Cheering_7_313.jpg'])(
    'finds every labelled face of 24 px or more in %s',
    async (file) => {
      const img = evalImage(file);
      const { faces } = await detector.detect(await loadRgb(img.path));
      const labelled = img.faces.filter((b) => b[3] - b[1] >= 24);
      expect(labelled.length).toBeGreaterThanOrEqual(3);
      expect(
        labelled.filter(
          (b) =>
            !isCovered(
              b,
              faces.map((d) => d.box),
            ),
        ),
      ).toEqual([]);
    },
  );

  it.each(['eu_eu3.jpg', 'eu_eu5.jpg', 'eu_test_001.jpg', 'us_0b86cecf-67d1-4fc0-87c9-b36b0ee228bb.jpg', 'us_21d8c31d-3deb-494b-9c63-c0223306fd82.jpg'])(
    'finds the labelled plate in %s, with the box in the image pixels',
    async (file) => {
      const img = evalImage(file);
      const frame = await loadRgb(img.path);
      const { plates } = await detector.detect(frame);
      expect(
        isCovered(
          img.plates[0],
          plates.map((d) => d.box),
        ),
      ).toBe(true);
      for (const p of plates) {
        expect(p.box[0]).toBeGreaterThanOrEqual(0);
        expect(p.box[2]).toBeLessThanOrEqual(frame.width);
        expect(p.score).toBeGreaterThanOrEqual(cfg.anonymizer.plateThreshold);
      }
    },
  );

  it('finds the same faces in an I420 frame as in RGB (the video path)', async () => {
    const img = evalImage('2_Demonstration_Demonstrators_2_456.jpg');
    const { faces } = await detector.detect(rgbToI420(await loadRgb(img.path)));
    const labelled = img.faces.filter((b) => b[3] - b[1] >= 24);
    expect(
      labelled.filter(
        (b) =>
          !isCovered(
            b,
            faces.map((d) => d.box),
          ),
      ),
    ).toEqual([]);
  });

  it("runs 'live' mode with the live input widths", async () => {
    const img = evalImage('eu_eu3.jpg');
    const frame = await loadRgb(img.path);
    const live = await detector.detect(frame, modeOverrides(cfg, 'live'));
    expect(
      isCovered(
        img.plates[0],
        live.plates.map((d) => d.box),
      ),
    ).toBe(true);
  });

  it('lays out LPD-YuNet priors exactly as many as the model outputs', async () => {
    const session = await ort.InferenceSession.create(join(MODEL_DIR, cfg.anonymizer.plateModel));
    for (const [w, h] of [
      [320, 240],
      [640, 384],
      [416, 256],
    ]) {
      const out = await session.run({ input: new ort.Tensor('float32', new Float32Array(3 * w * h), [1, 3, h, w]) });
      expect(out.iou.dims[0]).toBe(lpdPriors(w, h).length / 4);
    }
    await session.release();
  });
});
