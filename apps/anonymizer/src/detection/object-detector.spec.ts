import { isInside, loadRgb } from '../../bench/eval-set';
import { evalImage, rgbToI420, testConfig } from '../testing/eval-fixtures';
import type { OutputTensors } from './detection.types';
import { loadObjectDetector, verifyModels } from './detector.factory';
import { letterbox, objectNms, type ObjectDetector } from './object-detector';
import { decodeYolox } from './yolox.decoder';

/** Zeroed YOLOX output for a width x height input. */
function output(width: number, height: number): OutputTensors & { output: { data: Float32Array; dims: number[] } } {
  const n = [8, 16, 32].reduce((a, s) => a + (width / s) * (height / s), 0);
  return { output: { data: new Float32Array(n * 85), dims: [1, n, 85] } };
}

describe('decodeYolox', () => {
  it('decodes a cell: centre (t + grid) * stride, size exp(t) * stride, score obj * class, COCO class ids', () => {
    const out = output(64, 32);
    // stride 16: 4 columns x 2 rows after the 8 x 4 cells of stride 8; cell row 1, column 2.
    const row = 8 * 4 + 1 * 4 + 2;
    out.output.data.set([0.5, 0.25, Math.log(2), Math.log(3), 0.9], row * 85);
    out.output.data[row * 85 + 5 + 2] = 0.8; // car
    out.output.data[row * 85 + 5 + 7] = 0.5; // truck, lower
    const dets = decodeYolox(out, 64, 32, 0.3);
    expect(dets).toHaveLength(1);
    expect(dets[0].cls).toBe('car');
    expect(dets[0].score).toBeCloseTo(0.72, 5);
    // cx = (0.5 + 2) * 16 = 40, cy = (0.25 + 1) * 16 = 20, w = 32, h = 48.
    [24, -4, 56, 44].forEach((v, k) => expect(dets[0].box[k]).toBeCloseTo(v, 4));
  });

  it('ignores classes that are not counted (a dog) and rows under the threshold', () => {
    const out = output(32, 32);
    out.output.data.set([0, 0, 0, 0, 0.9], 0);
    out.output.data[5 + 16] = 0.99; // dog
    out.output.data.set([0, 0, 0, 0, 0.2], 85);
    out.output.data[85 + 5] = 0.99; // person, obj too low
    expect(decodeYolox(out, 32, 32, 0.3)).toEqual([]);
  });

  it('refuses an output of the wrong size', () => {
    expect(() => decodeYolox(output(64, 32), 64, 64, 0.3)).toThrow(/expected \[1,\d+,85\]/);
  });
});

describe('objectNms and letterbox', () => {
  it('merges a car and a truck on the same vehicle, but keeps a person overlapping a car', () => {
    const kept = objectNms([
      { box: [0, 0, 100, 60], score: 0.8, cls: 'car' },
      { box: [2, 0, 100, 62], score: 0.6, cls: 'truck' },
      { box: [10, 0, 40, 60], score: 0.7, cls: 'person' },
    ]);
    expect(kept.map((d) => d.cls).sort()).toEqual(['car', 'person']);
  });

  it('puts a 1280x720 frame in 640x384 (640x360 of picture) at 640', () => {
    expect(letterbox(1280, 720, 640)).toEqual({ width: 640, height: 360, padWidth: 640, padHeight: 384, r: 0.5 });
  });
});

/** The real model on labelled evaluation images (../shared/eval). */
describe('ObjectDetector on evaluation images', () => {
  const cfg = testConfig();
  let detector: ObjectDetector;

  beforeAll(async () => {
    detector = (await loadObjectDetector(cfg, await verifyModels(cfg)))!;
  });
  afterAll(() => detector.release());

  it.each(['0_Parade_marchingband_1_746.jpg', '2_Demonstration_Demonstrators_2_456.jpg'])('finds persons around the large faces of %s', async (file) => {
    const img = evalImage(file);
    const objects = await detector.detect(await loadRgb(img.path));
    const persons = objects.filter((o) => o.cls === 'person').map((o) => o.box);
    const faces = img.faces.filter((b) => b[3] - b[1] >= 24);
    expect(faces.length).toBeGreaterThanOrEqual(3);
    expect(faces.filter((f) => isInside(f, persons)).length / faces.length).toBeGreaterThanOrEqual(0.6);
  });

  it.each(['eu_eu3.jpg', 'eu_eu5.jpg', 'us_0b86cecf-67d1-4fc0-87c9-b36b0ee228bb.jpg'])(
    'finds the vehicle around the plate of %s, boxes in the frame, in RGB and I420',
    async (file) => {
      const img = evalImage(file);
      const rgb = await loadRgb(img.path);
      for (const frame of [rgb, rgbToI420(rgb)]) {
        const objects = await detector.detect(frame);
        const vehicles = objects.filter((o) => o.cls !== 'person');
        expect(
          isInside(
            img.plates[0],
            vehicles.map((o) => o.box),
          ),
        ).toBe(true);
        for (const o of objects) {
          expect(o.box[0]).toBeGreaterThanOrEqual(0);
          expect(o.box[2]).toBeLessThanOrEqual(frame.width);
          expect(o.box[3]).toBeLessThanOrEqual(frame.height);
          expect(o.score).toBeGreaterThanOrEqual(cfg.anonymizer.objectThreshold);
        }
      }
    },
  );
});
