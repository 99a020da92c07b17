import { newTestService } from '../../../../test/support/new-test-service';
import { hashPushKey, PushKeyService } from './push-key.service';

describe(PushKeyService.name, () => {
  it('issues a 32-character key and keeps its hash', () => {
    const { key, hash } = newTestService(PushKeyService).sut.issue();
    expect(key).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(hash).toBe(hashPushKey(key));
  });

  it('tells the RTMP and SRT URLs on the host of media.publicUrl, and none for a protocol the node does not listen on', () => {
    const { sut } = newTestService(PushKeyService, { config: { media: { publicUrl: 'https://media.example:8443', rtmpPort: 1935, srtPort: 0 } } });
    expect(sut.urls('k')).toEqual({ rtmpUrl: 'rtmp://media.example:1935/live/k', srtUrl: null });
  });
});
