import { inflateSync } from 'node:zlib';

/**
 * The text a PDF shows, page by page and line by line (one line per BT…ET block), decoded through
 * each font's ToUnicode map: what a reader copying the text, or a search engine, gets. Enough for the
 * PDFs BorderLens writes (pdfkit: Type0 fonts with Identity-H, Flate-compressed content streams); not
 * a general PDF parser.
 */
export function pdfText(pdf: Buffer): string[][] {
  const src = pdf.toString('latin1');
  const objects = new Map<number, { dict: string; stream?: Buffer }>();
  for (const m of src.matchAll(/(\d+) 0 obj\s*/g)) {
    const start = m.index! + m[0].length;
    const end = src.indexOf('endobj', start);
    const body = src.slice(start, end);
    const at = body.search(/\bstream\r?\n/);
    if (at < 0) {
      objects.set(Number(m[1]), { dict: body });
      continue;
    }
    const dict = body.slice(0, at);
    const length = Number(/\/Length (\d+)/.exec(dict)![1]);
    const dataStart = start + at + /\bstream\r?\n/.exec(body.slice(at))![0].length;
    const raw = pdf.subarray(dataStart, dataStart + length);
    objects.set(Number(m[1]), { dict, stream: /\/Filter \/FlateDecode/.test(dict) ? inflateSync(raw) : raw });
  }
  const ref = (dict: string, key: string) => Number(new RegExp(`/${key} (\\d+) 0 R`).exec(dict)?.[1]);
  const cmaps = new Map<number, Map<number, string>>();
  const cmapOf = (fontId: number) => {
    if (!cmaps.has(fontId)) cmaps.set(fontId, parseToUnicode(objects.get(ref(objects.get(fontId)!.dict, 'ToUnicode'))!.stream!.toString('latin1')));
    return cmaps.get(fontId)!;
  };
  const root = objects.get(ref(src.slice(src.lastIndexOf('trailer')), 'Root'))!.dict;
  const kids = (pagesId: number): number[] => {
    const d = objects.get(pagesId)!.dict;
    const ids = [...(/\/Kids \[([^\]]*)\]/.exec(d)?.[1] ?? '').matchAll(/(\d+) 0 R/g)].map((k) => Number(k[1]));
    return ids.flatMap((id) => (/\/Type \/Pages\b/.test(objects.get(id)!.dict) ? kids(id) : [id]));
  };
  return kids(ref(root, 'Pages')).map((pageId) => {
    const page = objects.get(pageId)!.dict;
    const resId = ref(page, 'Resources');
    const resources = resId ? objects.get(resId)!.dict : page;
    const fonts = new Map([...(/\/Font\s*<<([^>]*)>>/.exec(resources)?.[1] ?? '').matchAll(/\/(\S+) (\d+) 0 R/g)].map((f) => [f[1], Number(f[2])]));
    const content = objects.get(ref(page, 'Contents'))!.stream!.toString('latin1');
    const lines: string[] = [];
    for (const block of content.split(/\bBT\b/).slice(1)) {
      let cmap: Map<number, string> | undefined;
      let line = '';
      for (const op of block.slice(0, block.search(/\bET\b/)).matchAll(/\/(\S+) [\d.]+ Tf|\[((?:[^\]])*)\] TJ|<([0-9a-fA-F\s]*)> Tj/g)) {
        if (op[1]) cmap = cmapOf(fonts.get(op[1])!);
        const strings = op[2] !== undefined ? [...op[2].matchAll(/<([0-9a-fA-F\s]*)>/g)].map((s) => s[1]) : op[3] !== undefined ? [op[3]] : [];
        for (const hex of strings) {
          const bytes = Buffer.from(hex.replace(/\s+/g, ''), 'hex');
          for (let i = 0; i + 1 < bytes.length; i += 2) line += cmap?.get(bytes.readUInt16BE(i)) ?? '\ufffd';
        }
      }
      lines.push(line);
    }
    return lines;
  });
}

/** A ToUnicode CMap's bfchar and bfrange entries: code -> text. */
function parseToUnicode(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  const text = (hex: string) => {
    const b = Buffer.from(hex.replace(/\s+/g, ''), 'hex');
    return String.fromCharCode(...Array.from({ length: b.length / 2 }, (_, i) => b.readUInt16BE(2 * i)));
  };
  for (const section of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const m of section[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F\s]+)>/g)) map.set(parseInt(m[1], 16), text(m[2]));
  }
  for (const section of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const m of section[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(?:\[([^\]]*)\]|<([0-9a-fA-F]+)>)/g)) {
      const [lo, hi] = [parseInt(m[1], 16), parseInt(m[2], 16)];
      if (m[3] !== undefined) [...m[3].matchAll(/<([0-9a-fA-F\s]*)>/g)].forEach((u, i) => map.set(lo + i, text(u[1])));
      else for (let c = lo; c <= hi; c++) map.set(c, String.fromCharCode(parseInt(m[4], 16) + c - lo));
    }
  }
  return map;
}
