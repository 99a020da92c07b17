import type { CameraEntity } from '@borderlens/database';
import { newTestService } from '../../../../test/support/new-test-service';
import { CameraRepository } from './camera.repository';
import { CameraMediaService } from './camera-media.service';

describe(CameraMediaService.name, () => {
  it('gives the media node an RTSP camera without credentials its URL as stored', async () => {
    const { sut, mocks } = newTestService(CameraMediaService);
    mocks.of(CameraRepository).findRecording.mockResolvedValue([
      {
        id: 'c',
        name: 'n',
        kind: 'fixed',
        ingestType: 'rtsp',
        rtspUrl: 'rtsp://10.1.2.3/s',
        rtspTransport: 'udp',
        credentialsEncrypted: null,
        recordingEnabled: true,
        retentionDays: 7,
        redactionMethod: 'blur',
      } as CameraEntity,
    ]);
    await expect(sut.camerasToRecord()).resolves.toEqual([
      {
        id: 'c',
        name: 'n',
        kind: 'fixed',
        ingest: { type: 'rtsp', url: 'rtsp://10.1.2.3/s', rtspTransport: 'udp' },
        recordingEnabled: true,
        retentionDays: 7,
        redaction: { method: 'blur' },
      },
    ]);
  });
});
