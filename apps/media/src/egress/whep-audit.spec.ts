import type { BorderlensConfig } from '@borderlens/config';
import type { GrantClaims, WhepAuditEvent, WhepAuditReport } from '@borderlens/contracts';
import type { GatewayPort } from '../transport/ports';
import { WhepAuditReporter } from './whep-audit';

const claims = (sub: string, extra: Partial<GrantClaims> = {}): GrantClaims => ({
  sub,
  name: `Name ${sub}`,
  org: 'hzs-olk',
  country: 'CZ',
  cam: 'cam-1',
  form: 'anonymized',
  obligations: { purpose: 'flood' },
  exp: Date.now() / 1000 + 60,
  jti: `jti-${sub}`,
  sid: `sid-${sub}`,
  ...extra,
});
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function setup(windowSec = 0.2, fail = 0) {
  const got: WhepAuditEvent[] = [];
  let failures = fail;
  const gateway = {
    whepEvents: async (r: WhepAuditReport) => {
      if (failures-- > 0) throw new Error('gateway away');
      got.push(...r.events);
    },
  } as unknown as GatewayPort;
  const reporter = new WhepAuditReporter({ media: { refusalAuditWindowSec: windowSec } } as BorderlensConfig, gateway);
  return { got, reporter };
}

describe('WhepAuditReporter', () => {
  it('reports a session start and its end with the grants, form and duration', async () => {
    const { got, reporter } = setup();
    const s = { id: 'w1', cameraId: 'cam-1', claims: claims('u1'), jtis: new Set(['j1', 'j2']), form: 'raw' as const, startedAt: Date.now() - 2500 };
    reporter.started(s);
    reporter.ended(s, 'ended by the viewer');
    await reporter.flush();
    expect(got).toEqual([
      expect.objectContaining({
        kind: 'start',
        session: 'w1',
        gatewaySession: 'sid-u1',
        grant: 'j1',
        cameraId: 'cam-1',
        form: 'raw',
        purpose: 'flood',
        viewer: { sub: 'u1', name: 'Name u1', org: 'hzs-olk', country: 'CZ' },
      }),
      expect.objectContaining({ kind: 'end', grants: ['j1', 'j2'], reason: 'ended by the viewer' }),
    ]);
    expect((got[1] as { durationSec: number }).durationSec).toBeGreaterThanOrEqual(2.5);
  });

  it('turns a burst of refusals into one event per cause and viewer per window, with the count', async () => {
    const { got, reporter } = setup(0.3);
    for (let i = 0; i < 500; i++) reporter.refused('grant_invalid', 401, 'offer', 'cam-1', undefined, '127.0.0.9');
    for (let i = 0; i < 40; i++) reporter.refused('session_attempts_exceeded', 429, 'offer', `cam-${i % 7}`, claims('u2'));
    reporter.refused('grant_other_session', 403, 'delete', 'cam-1', claims('u3'));
    expect(got).toEqual([]);
    await wait(450);
    expect(got).toHaveLength(3);
    const byCause = Object.fromEntries(got.map((e) => [(e as { cause: string }).cause, e]));
    expect(byCause.grant_invalid).toMatchObject({ kind: 'refused', count: 500, status: 401, request: 'offer', viewer: { source: '127.0.0.9' }, cameraIds: ['cam-1'] });
    expect(byCause.session_attempts_exceeded).toMatchObject({ count: 40, viewer: { sub: 'u2' }, grant: 'jti-u2', gatewaySession: 'sid-u2' });
    // at most five cameras named
    expect((byCause.session_attempts_exceeded as { cameraIds: string[] }).cameraIds).toEqual(['cam-0', 'cam-1', 'cam-2', 'cam-3', 'cam-4']);
    expect(byCause.grant_other_session).toMatchObject({ count: 1, request: 'delete' });
    // the next window starts afresh
    reporter.refused('grant_invalid', 401, 'offer', 'cam-1', undefined, '127.0.0.9');
    await reporter.flush();
    expect(got.at(-1)).toMatchObject({ cause: 'grant_invalid', count: 1 });
  });

  it('counts refusals from very many addresses under one key per cause instead of opening a window each', async () => {
    const { got, reporter } = setup(60);
    for (let i = 0; i < 1500; i++) reporter.refused('grant_invalid', 401, 'offer', 'cam-1', undefined, `10.0.${i >> 8}.${i & 255}`);
    await reporter.flush();
    expect(got).toHaveLength(1001);
    expect(got.find((e) => (e as { viewer: { source?: string } }).viewer.source === 'many')).toMatchObject({ count: 500 });
  });

  it('keeps events while the gateway is away and delivers them in order', async () => {
    const { got, reporter } = setup(0.1, 1);
    const s = { id: 'w2', cameraId: 'cam-1', claims: claims('u4'), jtis: new Set(['j']), form: 'anonymized' as const, startedAt: Date.now() };
    reporter.started(s);
    await wait(50);
    expect(got).toEqual([]);
    reporter.ended(s, 'grant expired');
    await reporter.flush();
    expect(got.map((e) => e.kind)).toEqual(['start', 'end']);
  });
});
