import { addMonths, longestMonthsInDays, maxRetentionDays, maxRetentionMonths, RETENTION_CAPS, retainedFrom, retentionEnd } from './retention';

const at = (s: string) => new Date(s);

describe('recording retention caps', () => {
  it('Polish municipal CCTV: 3 calendar months per recording (Art. 9a, months per Civil Code Art. 112)', () => {
    expect(maxRetentionMonths('PL', 'municipality')).toBe(3);
    expect(maxRetentionMonths('PL', 'municipal-police')).toBe(3);
    // The longest setting in days that three months can span (1 July to 1 October).
    expect(maxRetentionDays('PL', 'municipality')).toBe(92);
  });

  it('no statutory cap elsewhere in the table', () => {
    expect(maxRetentionMonths('PL', 'police')).toBeUndefined();
    expect(maxRetentionDays('CZ', 'municipality')).toBeUndefined();
  });

  it('takes the lowest of several caps and cites a source for each', () => {
    const caps = [
      ...RETENTION_CAPS,
      { jurisdiction: 'PL', ownerKinds: ['municipality'] as const, maxMonths: 1, source: { en: 'local ordinance', cs: 'místní vyhláška', pl: 'uchwała lokalna' } },
    ];
    expect(maxRetentionMonths('PL', 'municipality', caps)).toBe(1);
    expect(maxRetentionDays('PL', 'municipality', caps)).toBe(31);
    for (const cap of RETENTION_CAPS)
      expect([cap.source.en, cap.source.cs, cap.source.pl]).toEqual([expect.stringMatching(/Art\. 9a/), expect.stringMatching(/čl\. 9a/), expect.stringMatching(/art\. 9a/)]);
  });

  it.each([
    ['2026-01-31T10:00:00Z', 3, '2026-04-30T10:00:00Z'],
    ['2026-01-30T10:00:00Z', 3, '2026-04-30T10:00:00Z'],
    ['2026-11-30T23:59:00Z', 3, '2027-02-28T23:59:00Z'],
    ['2027-11-30T00:00:00Z', 3, '2028-02-29T00:00:00Z'],
    ['2026-02-28T00:00:00Z', 3, '2026-05-28T00:00:00Z'],
    ['2026-12-31T00:00:00Z', 2, '2027-02-28T00:00:00Z'],
    ['2026-04-30T10:00:00Z', -3, '2026-01-30T10:00:00Z'],
  ])('%s + %i months = %s', (from, months, to) => {
    expect(addMonths(at(from), months).toISOString()).toBe(at(to).toISOString());
  });

  it('a recording of 31 January is gone by 30 April, not on 1 May as 90 days would say', () => {
    expect(retentionEnd(at('2026-01-31T10:00:00Z'), 90, 3).toISOString()).toBe('2026-04-30T10:00:00.000Z');
    expect(retentionEnd(at('2026-01-31T10:00:00Z'), 90).toISOString()).toBe('2026-05-01T10:00:00.000Z');
    // A shorter own retention wins.
    expect(retentionEnd(at('2026-01-31T10:00:00Z'), 14, 3).toISOString()).toBe('2026-02-14T10:00:00.000Z');
    expect(longestMonthsInDays(3)).toBe(92);
  });

  it('retainedFrom never accepts a moment whose recording is already gone', () => {
    for (const now of ['2026-04-30T10:00:00Z', '2026-03-01T00:00:00Z', '2028-02-29T12:00:00Z', '2026-07-31T08:00:00Z']) {
      const from = retainedFrom(at(now), 92, 3);
      expect(retentionEnd(from, 92, 3).getTime()).toBeGreaterThan(at(now).getTime());
      // and is at most a day later than the first moment still kept
      expect(retentionEnd(new Date(from.getTime() - 86_400_000 - 1000), 92, 3).getTime()).toBeLessThanOrEqual(at(now).getTime());
    }
    expect(retainedFrom(at('2026-04-30T10:00:00Z'), 14, 3).toISOString()).toBe('2026-04-16T10:00:00.000Z');
  });
});
