// `npm run bench`: HTML extraction throughput on one core (target ≥ 300 reports/s for 100 KB pages).
// Uses generated reports padded to ~100 KB with Word-paste style markup, plus the corpus HTML pages
// when ../shared/corpus is present.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { extractTextBytes } from '../../src/pipeline.ts';
import { layoutKeys, PLAIN } from '../../src/demo/layout.ts';
import { renderHtml } from '../../src/demo/render.ts';

function generated(i: number): Uint8Array {
  const cells = new Map(layoutKeys(i % 2 ? 'v2021' : 'v2019').map((k, j) => [k, String((i * 31 + j * 7) % 50)]));
  let html = new TextDecoder().decode(
    renderHtml(
      { version: i % 2 ? 'v2021' : 'v2019', agency: '基准测试市司法局', year: i % 2 ? 2023 : 2020, cells },
      PLAIN,
    ),
  );
  const filler =
    '<p class="MsoNormal" style="text-indent:32pt;line-height:28pt"><span style="font-family:仿宋_GB2312;font-size:16pt">本机关持续深化政务公开，围绕中心工作推进信息发布、解读回应和平台建设。</span></p>\n';
  while (Buffer.byteLength(html) < 100_000) html = html.replace('<p>五、', `${filler.repeat(4)}<p>五、`);
  return new TextEncoder().encode(html);
}

const docs: Array<{ name: string; bytes: Uint8Array }> = Array.from({ length: 10 }, (_, i) => ({
  name: `generated-${i}`,
  bytes: generated(i),
}));
const corpus = path.resolve('../shared/corpus');
if (existsSync(corpus)) {
  for (const id of readdirSync(corpus)) {
    const f = path.join(corpus, id, 'original.html');
    if (existsSync(f)) docs.push({ name: id, bytes: readFileSync(f) });
  }
}

function measure(set: typeof docs, seconds: number) {
  let n = 0,
    bytes = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    for (const d of set) {
      extractTextBytes(d.bytes, { path: d.name });
      n++;
      bytes += d.bytes.length;
    }
  }
  const s = (performance.now() - t0) / 1000;
  return { perSecond: n / s, mbPerSecond: bytes / 1048576 / s, avgKb: bytes / n / 1024 };
}

for (const d of docs.slice(0, 3)) extractTextBytes(d.bytes, { path: d.name }); // warm up
const gen = measure(
  docs.filter((d) => d.name.startsWith('generated')),
  3,
);
console.log(
  `generated HTML (~${gen.avgKb.toFixed(0)} KB): ${gen.perSecond.toFixed(0)} reports/s, ${gen.mbPerSecond.toFixed(1)} MB/s`,
);
const real = docs.filter((d) => !d.name.startsWith('generated'));
if (real.length) {
  const r = measure(real, 3);
  console.log(
    `corpus HTML (${real.length} pages, avg ${r.avgKb.toFixed(0)} KB): ${r.perSecond.toFixed(0)} reports/s, ${r.mbPerSecond.toFixed(1)} MB/s`,
  );
}

// PDF pages per second (text layer), on reports drawn by the test renderer in a CID Chinese font.
const { hasCjkFont, renderPdf } = await import('../render/pdf.ts');
const { extractBytes } = await import('../../src/pipeline.ts');
if (hasCjkFont()) {
  const pdfs: Uint8Array[] = [];
  for (let i = 0; i < 4; i++) {
    const version = i % 2 ? 'v2021' : 'v2019';
    const cells = new Map(layoutKeys(version).map((k, j) => [k, String((i * 17 + j * 3) % 40)]));
    pdfs.push(
      await renderPdf(
        { version, agency: '基准测试市司法局', year: version === 'v2021' ? 2023 : 2020, cells },
        { ...PLAIN, filledBorders: i % 2 === 0, splitTables: true },
      ),
    );
  }
  const pageCount = (b: Uint8Array) =>
    (
      Buffer.from(b)
        .toString('latin1')
        .match(/\/Type\s*\/Page[^s]/g) ?? []
    ).length;
  let pages = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 4000) {
    for (const p of pdfs) {
      await extractBytes(p, { path: 'bench.pdf' });
      pages += pageCount(p);
    }
  }
  const s = (performance.now() - t0) / 1000;
  console.log(`text-layer PDF: ${(pages / s).toFixed(0)} pages/s (${pdfs.map(pageCount).join('+')} pages per round)`);
} else {
  console.log('text-layer PDF: skipped (fonts-wqy-microhei not installed)');
}
