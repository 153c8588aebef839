// OFD (GB/T 33190) → Document: a ZIP of XML; OFD.xml → Document.xml → Pages → Content.xml, whose
// TextObjects carry a Boundary and TextCode X/Y (millimetres, y downwards). Read into the same
// positioned-text layout as PDF.
import { strFromU8 } from 'fflate';
import { XMLParser } from 'fast-xml-parser';
import type { Block, Document } from './document.ts';
import { layoutPage, type Run } from './positioned.ts';
import { inflateBounded } from './zip-guard.ts';

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: true,
  textNodeName: '#text',
  isArray: (name) => ['Page', 'Layer', 'TextObject', 'TextCode', 'PageBlock', 'DocBody'].includes(name),
});

type Node = Record<string, unknown>;
const arr = (v: unknown): Node[] => (Array.isArray(v) ? (v as Node[]) : v ? [v as Node] : []);
const nums = (s: unknown): number[] =>
  String(s ?? '')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);

const join = (base: string, rel: string) =>
  rel.startsWith('/') ? rel.slice(1) : `${base.replace(/[^/]*$/, '')}${rel}`;

/** Text runs of a page: TextObjects anywhere under Layers and PageBlocks. */
function pageRuns(content: Node): Run[] {
  const runs: Run[] = [];
  const visit = (n: Node) => {
    for (const t of arr(n['TextObject'])) {
      const [bx = 0, by = 0, , bh = 0] = nums(t['Boundary']);
      const size = Number(t['Size'] ?? bh) || bh || 3.5;
      let x = bx;
      let y = by;
      for (const code of arr(t['TextCode'])) {
        const text = typeof code === 'string' ? code : String(code['#text'] ?? '');
        if (code['X'] !== undefined) x = bx + Number(code['X']);
        if (code['Y'] !== undefined) y = by + Number(code['Y']);
        if (!text.trim()) continue;
        // Glyph advances: DeltaX when given, else one em for CJK and half an em for ASCII.
        const deltas = nums(code['DeltaX']).filter((d) => !Number.isNaN(d));
        const width = deltas.length
          ? deltas.reduce((a, b) => a + b, 0) + size
          : [...text].reduce((a, ch) => a + (ch.charCodeAt(0) < 0x2e80 ? size / 2 : size), 0);
        runs.push({ text, x, y: -y, w: width, h: size });
      }
    }
    for (const b of arr(n['PageBlock'])) visit(b);
    for (const l of arr(n['Layer'])) visit(l);
  };
  visit(
    ((content['Page'] as Node[] | undefined)?.[0]?.['Content'] ??
      (content['Page'] as Node | undefined)?.['Content'] ??
      {}) as Node,
  );
  return runs;
}

export function readOfd(bytes: Uint8Array): Document {
  const { files, corrupt } = inflateBounded(bytes, true);
  const read = (name: string): Node => {
    const f = files[name];
    if (!f) throw new Error(corrupt.includes(name) ? `corrupt ZIP entry ${name}` : `OFD package lacks ${name}`);
    return xml.parse(strFromU8(f)) as Node;
  };
  const ofd = read('OFD.xml')['OFD'] as Node;
  const body = arr(ofd['DocBody'])[0] ?? {};
  const root = String(body['DocRoot'] ?? '').trim();
  const title = String((body['DocInfo'] as Node | undefined)?.['Title'] ?? '').trim() || null;
  const docXml = read(root.replace(/^\//, ''))['Document'] as Node;
  const pages = arr((docXml['Pages'] as Node | undefined)?.['Page']);
  const blocks: Block[] = [];
  const tableIndex = { next: 0 };
  pages.forEach((p, i) => {
    const loc = join(root.replace(/^\//, ''), String(p['BaseLoc']));
    layoutPage(pageRuns(read(loc)), i + 1, blocks, tableIndex);
  });
  const chars = blocks.reduce(
    (n, b) => n + (b.type === 'paragraph' ? b.text.length : b.rows.flat().reduce((m, c) => m + c.text.length, 0)),
    0,
  );
  const scanned = pages.length > 0 && chars < 20 * pages.length;
  return {
    media: 'ofd',
    encoding: null,
    blocks,
    meta: { title },
    warnings: scanned
      ? ['no usable text in the OFD (image pages); OCR is not available, so its tables were not read']
      : [],
    scanned,
  };
}
