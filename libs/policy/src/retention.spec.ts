import { capRetentionDays, maxRetentionDays, RETENTION_CAPS } from './retention';

describe('recording retention caps', () => {
  it('Polish municipal CCTV: at most 90 days (3 months, Art. 9a)', () => {
    expect(maxRetentionDays('PL', 'municipality')).toBe(90);
    expect(maxRetentionDays('PL', 'municipal-police')).toBe(90);
    expect(capRetentionDays(365, 'PL', 'municipality')).toBe(90);
    expect(capRetentionDays(14, 'PL', 'municipality')).toBe(14);
  });

  it('no statutory cap elsewhere in the table', () => {
    expect(maxRetentionDays('PL', 'police')).toBeUndefined();
    expect(maxRetentionDays('CZ', 'municipality')).toBeUndefined();
    expect(capRetentionDays(365, 'CZ', 'fire')).toBe(365);
  });

  it('takes the lowest of several caps and cites a source for each', () => {
    const caps = [...RETENTION_CAPS, { jurisdiction: 'PL', ownerKinds: ['municipality'] as const, maxDays: 30, source: 'local ordinance' }];
    expect(maxRetentionDays('PL', 'municipality', caps)).toBe(30);
    for (const cap of RETENTION_CAPS) expect(cap.source).toMatch(/Art\. 9a/);
  });
});
