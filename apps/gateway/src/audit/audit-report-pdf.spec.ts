import { auditReportPdf, winAnsi, wrap, type AuditReportInput } from './audit-report-pdf';
import { csvField } from './audit.controller';

/** The text shown by a PDF of this writer: every hex string of a Tj, decoded from WinAnsi (Latin-1 part). */
function shownText(pdf: Buffer): string[] {
  return [...pdf.toString('latin1').matchAll(/<([0-9a-f]*)> Tj/g)].map((m) => Buffer.from(m[1], 'hex').toString('latin1'));
}

function entry(i: number) {
  return {
    seq: String(i), time: `2026-12-03T08:00:${String(i % 60).padStart(2, '0')}.000Z`, actorUser: 'nysa.municipal', actorOrganisation: 'gmina-nysa', actorCountry: 'PL',
    operation: 'collection', object: `clip:${i}`, recipient: 'mesto-jesenik (CZ)', decision: 'submitted',
    justification: `Powódź na moście, żądanie nr ${i}`, policyIds: ['CZ@1:cz-clip-request'], hash: 'ab'.repeat(32),
  };
}

const input = (n: number, ok = true): AuditReportInput => ({
  title: 'BorderLens audit report',
  generatedAt: new Date('2026-12-03T08:30:00Z'),
  generatedBy: 'jesenik.legal (mesto-jesenik, CZ)',
  filter: [['Operation', 'collection'], ['Cross-border only', 'yes']],
  verification: ok ? { ok: true, entries: 1234, lastHash: 'cd'.repeat(32) } : { ok: false, entries: 41, lastHash: 'cd'.repeat(32), firstBreak: { seq: '42', reason: 'hash does not match the content' } },
  checkpoint: { seq: '1200', hash: 'ef'.repeat(32), time: '2026-12-03T08:29:00.000Z', token: 'eyJhbGciOiJFZERTQSJ9.eyJzZXEiOiIxMjAwIn0.c2ln' },
  entries: Array.from({ length: n }, (_, i) => entry(i + 1)),
});

describe('audit report PDF', () => {
  it('is a well-formed PDF: header, objects at the offsets of the cross-reference table, trailer, startxref', () => {
    const pdf = auditReportPdf(input(150));
    const text = pdf.toString('latin1');
    expect(text.startsWith('%PDF-1.4\n')).toBe(true);
    expect(text.endsWith('%%EOF\n')).toBe(true);
    const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)![1]);
    expect(text.slice(startxref, startxref + 5)).toBe('xref\n');
    const [, first, count] = /^xref\n(\d+) (\d+)\n/.exec(text.slice(startxref))!.map(Number);
    expect(first).toBe(0);
    const rows = text.slice(startxref).split('\n').slice(2, 2 + count);
    expect(rows[0]).toBe('0000000000 65535 f ');
    rows.slice(1).forEach((row, i) => {
      const at = Number(row.slice(0, 10));
      expect(text.slice(at, at + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`);
    });
    expect(text).toContain(`/Size ${count}`);
    // Each content stream's /Length is its byte length.
    for (const m of text.matchAll(/<< \/Length (\d+) >>\nstream\n/g)) {
      const start = m.index! + m[0].length;
      expect(text.slice(start + Number(m[1]), start + Number(m[1]) + 9)).toBe('endstream');
    }
  });

  it('has a title page with the filter, the verification and the checkpoint, then every entry on the following pages', () => {
    const pdf = auditReportPdf(input(150));
    const pages = Number(/\/Type \/Pages \/Kids \[[^\]]*\] \/Count (\d+)/.exec(pdf.toString('latin1'))![1]);
    expect(pages).toBeGreaterThan(3);
    const shown = shownText(pdf);
    const titlePage = shown.slice(0, shown.indexOf(`1 / ${pages}`));
    expect(titlePage).toEqual(expect.arrayContaining(['BorderLens audit report', 'Operation: collection', 'Cross-border only: yes', 'Intact: 1234 entries checked', 'Entry #1200, signed 2026-12-03T08:29:00.000Z']));
    expect(titlePage.some((l) => l.startsWith('#'))).toBe(false);
    for (let i = 1; i <= 150; i++) expect(shown).toContain(`#${i}  2026-12-03T08:00:${String(i % 60).padStart(2, '0')}.000Z  COLLECTION  submitted`);
    expect(shown).toContain(`${pages} / ${pages}`);
    // Polish letters outside WinAnsi lose their diacritics; ó (Latin-1) stays.
    expect(shown).toContain('Justification: Powódz na moscie, zadanie nr 7');
  });

  it('names the first broken entry when the chain is broken', () => {
    expect(shownText(auditReportPdf(input(0, false)))).toEqual(expect.arrayContaining(['BROKEN after 41 entries', 'First broken entry: #42 (hash does not match the content)', '0 entries follow, oldest first.']));
  });

  it('encodes WinAnsi and wraps at spaces', () => {
    expect(winAnsi('Š€ łč\u4e2d').toString('latin1')).toBe('\x8a\x80 lc?');
    expect(wrap('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc']);
    expect(wrap('x'.repeat(10), 4)).toEqual(['xxxx', 'xxxx', 'xx']);
  });
});

describe('audit CSV', () => {
  it('quotes separators and keeps spreadsheets from running formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-1')).toBe(`"'-1"`);
  });
});
