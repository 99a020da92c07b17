import { Patterns } from '@borderlens/contracts';
import type { LiveSessionEntity } from '@borderlens/database';
import { newTestService } from '../../../../test/support/new-test-service';
import { LiveSessionNotifier } from './live-session-notifier.service';
import { LiveSessionRepository } from './live-session.repository';

describe(LiveSessionNotifier.name, () => {
  const now = Math.floor(Date.now() / 1000);
  const session = (over: Partial<LiveSessionEntity> = {}) =>
    ({
      id: 'g1',
      tokens: [
        { jti: 'old', exp: now - 60 },
        { jti: 'a', exp: now + 60 },
        { jti: 'b', exp: now + 120 },
      ],
      pendingChange: { action: 'downgrade', reason: 'incident ended' },
      ...over,
    }) as LiveSessionEntity;

  const setup = () => {
    const { sut, mocks } = newTestService(LiveSessionNotifier);
    return { sut, media: mocks.media, repo: mocks.of(LiveSessionRepository) };
  };

  it('has nothing to deliver without a pending change', async () => {
    const { sut, media } = setup();
    await expect(sut.deliver(session({ pendingChange: null }))).resolves.toBe(true);
    expect(media.send).not.toHaveBeenCalled();
  });

  it('tells the media node about every unexpired token, then clears the pending change', async () => {
    const { sut, media, repo } = setup();
    media.send.mockResolvedValue({});
    repo.clearPending.mockResolvedValue(undefined as never);
    const g = session();
    await expect(sut.deliver(g)).resolves.toBe(true);
    expect(media.send.mock.calls.map((c) => [c[0], c[1]])).toEqual([
      [Patterns.media.grantChanged, { jti: 'a', action: 'downgrade', reason: 'incident ended' }],
      [Patterns.media.grantChanged, { jti: 'b', action: 'downgrade', reason: 'incident ended' }],
    ]);
    expect(repo.clearPending).toHaveBeenCalledWith('g1', g.pendingChange);
  });

  it('keeps the change pending when the media node does not answer', async () => {
    const { sut, media, repo } = setup();
    media.send.mockRejectedValue(new Error('timeout'));
    await expect(sut.deliver(session())).resolves.toBe(false);
    expect(repo.clearPending).not.toHaveBeenCalled();
  });
});
