import { Patterns, type CameraDisabledChange } from '@borderlens/contracts';
import { IngestService } from '../../apps/media/src/ingest/ingest.service';
import { RecorderService } from '../../apps/media/src/recording/recorder.service';
import { freeLoopbackPort } from '@borderlens/common';
import { CameraSim } from '../../apps/media/test-tools/camera-sim';
import { eventually, startMediaHarness, type MediaHarness } from '../support/media/harness';

/** A camera its administrators disable: the media node stops pulling and recording it at once, and takes it up again when enabled. */
describe('media node: a disabled camera', () => {
  let h: MediaHarness;
  let camera: CameraSim;
  const ID = 'cam-disabled';

  beforeAll(async () => {
    camera = new CameraSim(await freeLoopbackPort(), ['--testsrc', '640x360']);
    const url = await camera.start();
    h = await startMediaHarness({ env: { MEDIA_SEGMENT_SEC: '2' } });
    h.gateway.cameras.set(ID, {
      id: ID,
      name: 'Zlaté Hory',
      kind: 'fixed',
      ingest: { type: 'rtsp', url, rtspTransport: 'tcp' },
      recordingEnabled: true,
      retentionDays: 1,
      redaction: {},
    });
    await h.app.get(RecorderService).sync();
  }, 60000);

  afterAll(async () => {
    await h?.close();
    await camera?.stop();
  });

  const tell = (disabled: boolean) => h.asGateway().send<{ stopped: boolean }, CameraDisabledChange>(Patterns.media.cameraDisabled, { cameraId: ID, disabled });
  const segments = () => h.gateway.segments.filter((s) => s.cameraId === ID).length;

  it('stops the RTSP pull and the recorder when disabled, refuses to take it up, and restarts both when enabled', async () => {
    const ingest = h.app.get(IngestService);
    await eventually(
      () => ingest.get(ID)?.state,
      (s) => s === 'online',
      20000,
      'camera online',
    );
    await eventually(segments, (n) => n >= 1, 20000, 'a first segment');

    h.gateway.disabled.add(ID);
    await expect(tell(true)).resolves.toEqual({ stopped: true });
    expect(ingest.get(ID)).toBeUndefined();
    expect(h.app.get(RecorderService).recording()).not.toContain(ID);
    // Nothing takes it up again meanwhile: the gateway refuses its ingest settings.
    await expect(ingest.acquire(ID)).rejects.toThrow(/disabled/);
    const stopped = segments();
    await new Promise((r) => setTimeout(r, 5000));
    // At most the segment open at the moment it was disabled is still reported.
    expect(segments()).toBeLessThanOrEqual(stopped + 1);
    expect(ingest.get(ID)).toBeUndefined();

    h.gateway.disabled.delete(ID);
    await expect(tell(false)).resolves.toEqual({ stopped: false });
    await eventually(
      () => h.app.get(RecorderService).recording(),
      (ids) => ids.includes(ID),
      20000,
      'recording again',
    );
    await eventually(
      () => ingest.get(ID)?.state,
      (s) => s === 'online',
      20000,
      'online again',
    );
    const resumed = segments();
    await eventually(segments, (n) => n > resumed, 20000, 'segments after enabling');
  }, 90000);
});
