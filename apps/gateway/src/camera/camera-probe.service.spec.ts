import { Patterns, type CameraIngestInfo } from '@borderlens/contracts';
import { newTestService, testPrincipal } from '../../../../test/support/new-test-service';
import { AppError } from '../common/app-error';
import { CameraProbeService } from './camera-probe.service';
import { CameraMediaService } from './camera-media.service';

describe(CameraProbeService.name, () => {
  const CAM = '0b1c2d3e-4f50-4a6b-8c7d-8e9f0a1b2c3d';
  const admin = testPrincipal({ username: 'jesenik.admin', organisation: 'mesto-jesenik', roles: ['admin'] });
  const rtsp: CameraIngestInfo = {
    id: CAM,
    name: 'c',
    kind: 'fixed',
    ingest: { type: 'rtsp', url: 'rtsp://user:pw@10.1.2.3/s', rtspTransport: 'udp' },
    recordingEnabled: true,
    retentionDays: 30,
    redaction: {},
  };

  const setup = (info: CameraIngestInfo = rtsp) => {
    const { sut, mocks } = newTestService(CameraProbeService);
    mocks.of(CameraMediaService).ingestForManager.mockResolvedValue(info);
    return { sut, cameras: mocks.of(CameraMediaService), media: mocks.media };
  };

  it('asks a media node to probe the camera’s address, with its credentials, and answers its result', async () => {
    const { sut, cameras, media } = setup();
    media.send.mockResolvedValue({ ok: true, codec: 'h264', width: 1280, height: 720 } as never);
    await expect(sut.probe(admin, CAM)).resolves.toEqual({ ok: true, codec: 'h264', width: 1280, height: 720 });
    expect(cameras.ingestForManager).toHaveBeenCalledWith(admin, CAM);
    expect(media.send).toHaveBeenCalledWith(Patterns.media.cameraProbe, { url: 'rtsp://user:pw@10.1.2.3/s', rtspTransport: 'udp' }, 30_000);
  });

  it('probes only cameras the caller manages (the refusal of ingestForManager stands)', async () => {
    const { sut, cameras, media } = setup();
    cameras.ingestForManager.mockRejectedValue(AppError.forbidden('no', 'camera_manage_forbidden'));
    await expect(sut.probe(admin, CAM)).rejects.toMatchObject({ code: 'camera_manage_forbidden' });
    expect(media.send).not.toHaveBeenCalled();
  });

  it('refuses push cameras without asking a media node', async () => {
    const { sut, media } = setup({ ...rtsp, ingest: { type: 'push', protocol: 'rtmp' } });
    await expect(sut.probe(admin, CAM)).rejects.toMatchObject({ code: 'camera_not_rtsp' });
    expect(media.send).not.toHaveBeenCalled();
  });

  it('answers 503 media_unavailable when no media node answers', async () => {
    const { sut, media } = setup();
    media.send.mockRejectedValue(new Error('timeout'));
    const e = await sut.probe(admin, CAM).catch((x: AppError) => x);
    expect(e).toBeInstanceOf(AppError);
    expect(e).toMatchObject({ code: 'media_unavailable', message: 'no media node answered: timeout' });
    expect((e as AppError).getStatus()).toBe(503);
  });
});
