import PDFDocument from 'pdfkit';

/**
 * The audit report to a supervisory authority as a PDF: a title page (the filter, the chain's
 * verification result, the latest signed checkpoint), then the entries, on A4 pages.
 *
 * Written with pdfkit and the DejaVu fonts of the npm package dejavu-fonts-ttf (free to redistribute,
 * see its LICENSE), embedded as subsets with a ToUnicode map: Czech and Polish names and
 * justifications (č ř ě ů ł ś ą ę ż ń …) are shown and extracted exactly, which the 14 standard PDF
 * fonts (WinAnsiEncoding) cannot do.
 */

const MARGIN = 48;
const FONTS = {
  regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
  mono: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSansMono.ttf'),
};
type Font = keyof typeof FONTS;

export interface AuditReportInput {
  title: string;
  generatedAt: Date;
  generatedBy: string;
  /** Filter lines as label/value. */
  filter: [string, string][];
  verification: { ok: boolean; entries: number; lastHash: string; firstBreak?: { seq: string; reason: string } };
  checkpoint: { seq: string; hash: string; time: string; token: string } | null;
  entries: {
    seq: string;
    time: string;
    actorUser: string;
    actorOrganisation: string;
    actorCountry: string;
    operation: string;
    object: string;
    recipient: string;
    decision: string;
    justification: string;
    policyIds: string[];
    hash: string;
  }[];
}

/** Entries laid out between two turns of the event loop (pdfkit lays text out synchronously, ~0.5 ms an entry). */
const ENTRIES_PER_TURN = 200;

/** The report as PDF bytes. */
export async function auditReportPdf(r: AuditReportInput): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    font: FONTS.regular,
    pdfVersion: '1.4',
    info: { Title: r.title, Producer: 'BorderLens', CreationDate: r.generatedAt },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  // Awaited at the end; an error while the entries are laid out must not count as unhandled meanwhile.
  done.catch(() => undefined);
  for (const [name, path] of Object.entries(FONTS)) doc.registerFont(name, path);
  const width = doc.page.width - 2 * MARGIN;
  /** A paragraph, wrapped by pdfkit (long hashes and tokens are split where they must); new pages as needed. */
  const line = (font: Font, size: number, text: string, gap = 0) => {
    if (gap) doc.moveDown(gap / doc.currentLineHeight(true));
    doc.font(font).fontSize(size).text(text, MARGIN, undefined, { width });
  };

  line('bold', 18, r.title);
  line('regular', 10, `Generated ${r.generatedAt.toISOString()} by ${r.generatedBy}`, 8);
  line('bold', 12, 'Filter', 22);
  if (r.filter.length) for (const [k, v] of r.filter) line('regular', 10, `${k}: ${v}`, 4);
  else line('regular', 10, 'none (every entry the reader may read)', 4);
  line('bold', 12, 'Verification of the hash chain', 22);
  line('regular', 10, r.verification.ok ? `Intact: ${r.verification.entries} entries checked` : `BROKEN after ${r.verification.entries} entries`, 4);
  if (r.verification.firstBreak) line('regular', 10, `First broken entry: #${r.verification.firstBreak.seq} (${r.verification.firstBreak.reason})`, 4);
  line('mono', 8, `Hash of the last entry: ${r.verification.lastHash}`, 4);
  line('bold', 12, 'Latest signed checkpoint', 22);
  if (r.checkpoint) {
    line('regular', 10, `Entry #${r.checkpoint.seq}, signed ${r.checkpoint.time}`, 4);
    line('mono', 8, `Hash: ${r.checkpoint.hash}`, 4);
    line('mono', 7, `Signature (JWS): ${r.checkpoint.token}`, 2);
  } else line('regular', 10, 'none yet', 4);
  line('bold', 12, 'Entries', 22);
  line('regular', 10, `${r.entries.length} entries follow, oldest first.`, 4);

  // The entries start on a page of their own, after the title page(s).
  doc.addPage();
  for (const [i, e] of r.entries.entries()) {
    // A report of 50 000 entries takes seconds: other requests are served meanwhile.
    if (i && i % ENTRIES_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
    line('mono', 8, `#${e.seq}  ${e.time}  ${e.operation.toUpperCase()}  ${e.decision}`, i ? 8 : 0);
    line('mono', 8, `${e.actorUser} (${e.actorOrganisation}, ${e.actorCountry}) -> ${e.object}${e.recipient ? `; recipient ${e.recipient}` : ''}`);
    if (e.justification) line('mono', 8, `Justification: ${e.justification}`);
    if (e.policyIds.length) line('mono', 8, `Policies: ${e.policyIds.join(', ')}`);
    line('mono', 8, `Hash: ${e.hash}`);
  }

  // Page numbers in the foot margin (no bottom margin while writing them, so pdfkit adds no page).
  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    doc.page.margins.bottom = 0;
    doc
      .font('regular')
      .fontSize(8)
      .text(`${i + 1} / ${count}`, MARGIN, doc.page.height - MARGIN / 2 - 8, { width, align: 'right', lineBreak: false });
  }
  doc.end();
  return await done;
}
