import { answerDeadline, strictest } from './clip.service';
import { mergeRanges } from '../recording/recording.service';

const cfg = { deadlineUrgentHours: 8, deadlineDays: 3, downloadDays: 7, checkIntervalSec: 2, maxExportAttempts: 3 };
const now = new Date('2026-12-02T10:00:00Z');

describe('clip request rules', () => {
  it('sets Directive 2023/977 deadlines only between police forces of two countries', () => {
    expect(answerDeadline(cfg, { kind: 'police', country: 'PL' }, { kind: 'police', country: 'CZ' }, true, now)).toEqual(new Date('2026-12-02T18:00:00Z'));
    expect(answerDeadline(cfg, { kind: 'police', country: 'PL' }, { kind: 'police', country: 'CZ' }, false, now)).toEqual(new Date('2026-12-05T10:00:00Z'));
    expect(answerDeadline(cfg, { kind: 'police', country: 'CZ' }, { kind: 'police', country: 'CZ' }, true, now)).toBeNull();
    expect(answerDeadline(cfg, { kind: 'municipality', country: 'PL' }, { kind: 'municipality', country: 'CZ' }, true, now)).toBeNull();
  });

  it('combines two permits strictest-wins', () => {
    const a = { watermark: false, purposeRequired: true, ownerApproval: false, anonymize: false, maxDurationSec: 3600 };
    const b = { watermark: true, purposeRequired: false, ownerApproval: true, anonymize: false, maxDurationSec: 600 };
    expect(strictest(a, b)).toEqual({ watermark: true, purposeRequired: true, ownerApproval: true, anonymize: false, maxDurationSec: 600 });
    expect(strictest(a)).toBe(a);
  });
});

describe('recording ranges', () => {
  const t = (s: number) => new Date(Date.UTC(2026, 11, 2, 10, 0, s));
  it('merges adjacent segments and lists the gaps, clamped to the window', () => {
    const segs = [
      { startedAt: t(0), endedAt: t(10) },
      { startedAt: t(10.5), endedAt: t(20) },
      { startedAt: t(40), endedAt: t(50) },
    ];
    const r = mergeRanges(segs, t(5), t(60));
    expect(r.ranges).toEqual([{ from: t(5), to: t(20) }, { from: t(40), to: t(50) }]);
    expect(r.gaps).toEqual([{ from: t(20), to: t(40) }, { from: t(50), to: t(60) }]);
    expect(mergeRanges([], t(0), t(10)).gaps).toEqual([{ from: t(0), to: t(10) }]);
  });
});
