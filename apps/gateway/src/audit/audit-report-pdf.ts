/**
 * A small PDF 1.4 writer for the audit report to a supervisory authority: a title page (the filter,
 * the chain's verification result, the latest signed checkpoint), then the entries. Written by hand
 * (no dependency): text only, the standard fonts Helvetica and Courier, A4 pages.
 *
 * The standard fonts know only WinAnsiEncoding (Latin-1 and a few more, e.g. š ž): other letters
 * (č ř ě ů ł ś ą ę ż ń …) lose their diacritics (č -> c) and the rest becomes '?'. The CSV export
 * keeps the exact text.
 */

const PAGE_W = 595.28;
const PAGE_H = 841.89;
const MARGIN = 48;
const BODY_SIZE = 8;
const LEADING = 10.5;
/** Courier's advance is 0.6 em: lines wrap at an exact character count. */
const BODY_CHARS = Math.floor((PAGE_W - 2 * MARGIN) / (BODY_SIZE * 0.6));

/** The cp1252 code points above 0x7F that are not Latin-1 (0x80..0x9F). */
const CP1252_EXTRA: Record<string, number> = {
  '€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87, 'ˆ': 0x88, '‰': 0x89, 'Š': 0x8a, '‹': 0x8b, 'Œ': 0x8c, 'Ž': 0x8e,
  '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97, '˜': 0x98, '™': 0x99, 'š': 0x9a, '›': 0x9b, 'œ': 0x9c, 'ž': 0x9e, 'Ÿ': 0x9f,
};
/** Letters NFD does not decompose. */
const FALLBACK: Record<string, string> = { 'ł': 'l', 'Ł': 'L', 'đ': 'd', 'Đ': 'D', 'ø': 'o', 'Ø': 'O' };

function winAnsiByte(ch: string): number | undefined {
  const c = ch.codePointAt(0)!;
  if (c >= 0x20 && c < 0x7f) return c;
  if (c >= 0xa0 && c <= 0xff) return c;
  return CP1252_EXTRA[ch];
}

/** A text as WinAnsiEncoding bytes (see the module comment for what cannot be shown). */
export function winAnsi(text: string): Buffer {
  const out: number[] = [];
  for (const ch of text.replace(/[\t\r\n]+/g, ' ')) {
    let b = winAnsiByte(ch);
    if (b === undefined) {
      const base = FALLBACK[ch] ?? ch.normalize('NFD').replace(/\p{M}/gu, '');
      b = base.length === 1 ? winAnsiByte(base) : undefined;
    }
    out.push(b ?? 0x3f);
  }
  return Buffer.from(out);
}

/** Splits a text into lines of at most `width` characters, at spaces where possible. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const para of text.split('\n')) {
    let rest = para.replace(/\s+/g, ' ').trimEnd();
    if (!rest) {
      lines.push('');
      continue;
    }
    while (rest.length > width) {
      const cut = rest.lastIndexOf(' ', width);
      const at = cut > width / 3 ? cut : width;
      lines.push(rest.slice(0, at).trimEnd());
      rest = rest.slice(at).trimStart();
    }
    lines.push(rest);
  }
  return lines;
}

type Font = 'F1' | 'F2' | 'F3';
/** F1 Helvetica, F2 Helvetica-Bold, F3 Courier. */
interface Line {
  font: Font;
  size: number;
  text: string;
  /** Space before the line, in points. */
  gap?: number;
}

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

/** The report as PDF bytes. */
export function auditReportPdf(r: AuditReportInput): Buffer {
  const title: Line[] = [
    { font: 'F2', size: 18, text: r.title },
    { font: 'F1', size: 10, text: `Generated ${r.generatedAt.toISOString()} by ${r.generatedBy}`, gap: 8 },
    { font: 'F2', size: 12, text: 'Filter', gap: 22 },
    ...(r.filter.length ? r.filter.map(([k, v]): Line => ({ font: 'F1', size: 10, text: `${k}: ${v}`, gap: 4 })) : [{ font: 'F1', size: 10, text: 'none (every entry the reader may read)', gap: 4 } as Line]),
    { font: 'F2', size: 12, text: 'Verification of the hash chain', gap: 22 },
    { font: 'F1', size: 10, text: r.verification.ok ? `Intact: ${r.verification.entries} entries checked` : `BROKEN after ${r.verification.entries} entries`, gap: 4 },
    ...(r.verification.firstBreak ? [{ font: 'F1', size: 10, text: `First broken entry: #${r.verification.firstBreak.seq} (${r.verification.firstBreak.reason})`, gap: 4 } as Line] : []),
    ...wrap(`Hash of the last entry: ${r.verification.lastHash}`, 90).map((t): Line => ({ font: 'F3', size: 8, text: t, gap: 4 })),
    { font: 'F2', size: 12, text: 'Latest signed checkpoint', gap: 22 },
    ...(r.checkpoint
      ? [
          { font: 'F1', size: 10, text: `Entry #${r.checkpoint.seq}, signed ${r.checkpoint.time}`, gap: 4 } as Line,
          ...wrap(`Hash: ${r.checkpoint.hash}`, 90).map((t): Line => ({ font: 'F3', size: 8, text: t, gap: 4 })),
          ...wrap(`Signature (JWS): ${r.checkpoint.token}`, 100).map((t): Line => ({ font: 'F3', size: 7, text: t, gap: 2 })),
        ]
      : [{ font: 'F1', size: 10, text: 'none yet', gap: 4 } as Line]),
    { font: 'F2', size: 12, text: 'Entries', gap: 22 },
    { font: 'F1', size: 10, text: `${r.entries.length} entries follow, oldest first.`, gap: 4 },
  ];
  const body: Line[] = [];
  for (const e of r.entries) {
    const head = `#${e.seq}  ${e.time}  ${e.operation.toUpperCase()}  ${e.decision}`;
    const text = [
      `${e.actorUser} (${e.actorOrganisation}, ${e.actorCountry}) -> ${e.object}${e.recipient ? `; recipient ${e.recipient}` : ''}`,
      e.justification ? `Justification: ${e.justification}` : '',
      e.policyIds.length ? `Policies: ${e.policyIds.join(', ')}` : '',
      `Hash: ${e.hash}`,
    ].filter(Boolean);
    body.push({ font: 'F3', size: BODY_SIZE, text: head, gap: 8 });
    for (const t of text) for (const l of wrap(t, BODY_CHARS)) body.push({ font: 'F3', size: BODY_SIZE, text: l });
  }
  // The entries start on a page of their own, after the title page(s).
  return assemble([...layout(title), ...layout(body)], r.title);
}

/** Places lines top-down; a new page when one is full. Each page is its content stream text. */
function layout(lines: Line[]): string[] {
  const pages: string[][] = [[]];
  let y = PAGE_H - MARGIN;
  for (const l of lines) {
    const step = (l.gap ?? 0) + Math.max(LEADING, l.size * 1.25);
    if (y - step < MARGIN && pages[pages.length - 1].length) {
      pages.push([]);
      y = PAGE_H - MARGIN;
    }
    y -= pages[pages.length - 1].length ? step : l.size;
    pages[pages.length - 1].push(`BT /${l.font} ${l.size} Tf ${MARGIN} ${y.toFixed(2)} Td <${winAnsi(l.text).toString('hex')}> Tj ET`);
  }
  return pages.filter((p) => p.length).map((p) => p.join('\n'));
}

/** Objects, cross-reference table and trailer; page numbers are added at the foot of each page. */
function assemble(contents: string[], title: string): Buffer {
  const objects: Buffer[] = [];
  const add = (body: string | Buffer) => void objects.push(Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1'));
  const fontObj = (name: string) => `<< /Type /Font /Subtype /Type1 /BaseFont /${name} /Encoding /WinAnsiEncoding >>`;
  // 1 catalog, 2 pages, 3-5 fonts, 6 info; pages and contents after.
  const pageIds = contents.map((_, i) => 7 + 2 * i);
  add('<< /Type /Catalog /Pages 2 0 R >>');
  add(`<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pageIds.length} >>`);
  add(fontObj('Helvetica'));
  add(fontObj('Helvetica-Bold'));
  add(fontObj('Courier'));
  add(Buffer.concat([Buffer.from('<< /Title <'), Buffer.from(winAnsi(title).toString('hex')), Buffer.from('> /Producer (BorderLens) >>')]));
  contents.forEach((c, i) => {
    const foot = `BT /F1 8 Tf ${PAGE_W - MARGIN - 40} ${MARGIN / 2} Td <${winAnsi(`${i + 1} / ${contents.length}`).toString('hex')}> Tj ET`;
    const stream = Buffer.from(`${c}\n${foot}\n`, 'latin1');
    add(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_W} ${PAGE_H}] /Resources << /Font << /F1 3 0 R /F2 4 0 R /F3 5 0 R >> >> /Contents ${pageIds[i] + 1} 0 R >>`);
    add(Buffer.concat([Buffer.from(`<< /Length ${stream.length} >>\nstream\n`), stream, Buffer.from('endstream')]));
  });
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = parts[0].length;
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(offset);
    const b = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), o, Buffer.from('\nendobj\n')]);
    parts.push(b);
    offset += b.length;
  });
  const xref = [`xref\n0 ${objects.length + 1}\n`, '0000000000 65535 f \n', ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n${offset}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}
