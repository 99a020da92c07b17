import { writeFileSync } from 'node:fs';
import { pdfText } from '../../../../test/support/pdf-text';
import { auditReportPdf, type AuditReportInput } from './audit-report-pdf';
import { csvField } from './audit.controller';

function entry(i: number) {
  return {
    seq: String(i),
    time: `2026-12-03T08:00:${String(i % 60).padStart(2, '0')}.000Z`,
    actorUser: 'nysa.municipal',
    actorOrganisation: 'gmina-nysa',
    actorCountry: 'PL',
    operation: 'collection',
    object: `clip:${i}`,
    recipient: 'mesto-jesenik (CZ)',
    decision: 'submitted',
    justification: `Powódź na moście, żądanie nr ${i}`,
    policyIds: ['CZ@1:cz-clip-request'],
    hash: 'ab'.repeat(32),
  };
}

const input = (n: number, ok = true): AuditReportInput => ({
  title: 'BorderLens audit report',
  generatedAt: new Date('2026-12-03T08:30:00Z'),
  generatedBy: 'jesenik.legal (mesto-jesenik, CZ)',
  filter: [
    ['Operation', 'collection'],
    ['Cross-border only', 'yes'],
  ],
  verification: ok
    ? { ok: true, entries: 1234, lastHash: 'cd'.repeat(32) }
    : { ok: false, entries: 41, lastHash: 'cd'.repeat(32), firstBreak: { seq: '42', reason: 'hash does not match the content' } },
  checkpoint: { seq: '1200', hash: 'ef'.repeat(32), time: '2026-12-03T08:29:00.000Z', token: 'eyJhbGciOiJFZERTQSJ9.eyJzZXEiOiIxMjAwIn0.c2ln' },
  entries: Array.from({ length: n }, (_, i) => entry(i + 1)),
});

describe('audit report PDF', () => {
  it('is a well-formed PDF: header, objects at the offsets of the cross-reference table, trailer, startxref', async () => {
    const pdf = await auditReportPdf(input(150));
    const text = pdf.toString('latin1');
    expect(text.startsWith('%PDF-1.4\n')).toBe(true);
    expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
    const startxref = Number(/startxref\n(\d+)\n%%EOF\n?$/.exec(text)![1]);
    expect(text.slice(startxref, startxref + 5)).toBe('xref\n');
    const [, first, count] = /^xref\n(\d+) (\d+)\n/.exec(text.slice(startxref))!.map(Number);
    expect(first).toBe(0);
    const rows = text
      .slice(startxref)
      .split('\n')
      .slice(2, 2 + count);
    expect(rows[0]).toBe('0000000000 65535 f ');
    rows.slice(1).forEach((row, i) => {
      const at = Number(row.slice(0, 10));
      expect(text.slice(at, at + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`);
    });
    expect(text).toMatch(new RegExp(`/Size ${count}\\b`));
    // A4 pages.
    expect(text).toMatch(/\/MediaBox \[0 0 595\.2\d* 841\.8\d*\]/);
  });

  it('has a title page with the filter, the verification and the checkpoint, then every entry on the following pages', async () => {
    const pages = pdfText(await auditReportPdf(input(150)));
    expect(pages.length).toBeGreaterThan(3);
    const [titlePage, ...entryPages] = pages;
    expect(titlePage).toEqual(
      expect.arrayContaining([
        'BorderLens audit report',
        'Operation: collection',
        'Cross-border only: yes',
        'Intact: 1234 entries checked',
        'Entry #1200, signed 2026-12-03T08:29:00.000Z',
        '1 / ' + pages.length,
      ]),
    );
    expect(titlePage.some((l) => l.startsWith('#'))).toBe(false);
    const shown = entryPages.flat();
    for (let i = 1; i <= 150; i++) expect(shown).toContain(`#${i}  2026-12-03T08:00:${String(i % 60).padStart(2, '0')}.000Z  COLLECTION  submitted`);
    expect(pages.at(-1)).toContain(`${pages.length} / ${pages.length}`);
  });

  it('shows Czech and Polish text exactly, with an embedded subset of a Unicode font', async () => {
    const words = 'Jeseník, Głuchołazy: příjmení, žluťoučký kůň; Łódź, gęś, Ślęża, Żółć, ŘÍČNÍ ÚŘAD';
    const pdf = await auditReportPdf({
      ...input(1),
      generatedBy: 'jesenik.auditor (Město Jeseník, CZ)',
      filter: [['Camera', 'Jeseník – Masarykovo náměstí']],
      entries: [{ ...entry(1), justification: words }],
    });
    const [titlePage, entries] = pdfText(pdf);
    expect(titlePage).toContain('Camera: Jeseník – Masarykovo náměstí');
    expect(titlePage).toContain('Generated 2026-12-03T08:30:00.000Z by jesenik.auditor (Město Jeseník, CZ)');
    expect(entries).toContain(`Justification: ${words}`);
    // Only the glyphs used are embedded (TrueType subsets, tagged XXXXXX+), not the standard fonts.
    const text = pdf.toString('latin1');
    expect([...text.matchAll(/\/BaseFont \/([A-Z]{6})\+(\S+)/g)].map((m) => m[2]).sort()).toEqual(expect.arrayContaining(['DejaVuSans', 'DejaVuSans-Bold', 'DejaVuSansMono']));
    expect(text).not.toMatch(/\/BaseFont \/(Helvetica|Courier)/);
    expect(pdf.length).toBeLessThan(200_000);
  });

  it('names the first broken entry when the chain is broken', async () => {
    expect(pdfText(await auditReportPdf(input(0, false))).flat()).toEqual(
      expect.arrayContaining(['BROKEN after 41 entries', 'First broken entry: #42 (hash does not match the content)', '0 entries follow, oldest first.']),
    );
  });

  it('writes its file for a look (AUDIT_PDF_OUT)', async () => {
    if (process.env.AUDIT_PDF_OUT) writeFileSync(process.env.AUDIT_PDF_OUT, await auditReportPdf(input(150)));
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
