import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createWorker, PSM } from 'tesseract.js';
import { gridBands, toGray, crop, type Gray } from './src/read/ocr-grid.ts';
const require = createRequire(import.meta.url);
const pgm = (g: Gray) => Buffer.concat([Buffer.from(`P5\n${g.width} ${g.height}\n255\n`), Buffer.from(g.data)]);
const chiDir = path.join(path.dirname(require.resolve('@tesseract.js-data/chi_sim/package.json')), '4.0.0_best_int');
const engDir = path.join(path.dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');
let t0 = performance.now();
const chi = await createWorker('chi_sim', 1, { langPath: chiDir, cacheMethod: 'none', gzip: true, logger: () => {} });
const eng = await createWorker('eng', 1, { langPath: engDir, cacheMethod: 'none', gzip: true, logger: () => {} });
await eng.setParameters({ tessedit_char_whitelist: '0123456789.-+', tessedit_pageseg_mode: PSM.SINGLE_LINE });
await chi.setParameters({ tessedit_pageseg_mode: PSM.SINGLE_BLOCK, preserve_interword_spaces: '1' });
console.log('init', Math.round(performance.now() - t0));
const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
const doc = await pdfjs.getDocument({ data: new Uint8Array(readFileSync('../shared/corpus/t005-scan/original.pdf')), verbosity: 0 }).promise;
const page = await doc.getPage(3);
const ops = await page.getOperatorList();
const i = ops.fnArray.indexOf(pdfjs.OPS.paintImageXObject);
const img: any = await new Promise((res) => page.objs.get(ops.argsArray[i][0], res));
const g = toGray(img.width, img.height, img.data, 3);
const bands = gridBands(g);
t0 = performance.now();
let n = 0;
for (const b of bands.slice(0, 6)) {
  const out: string[] = [];
  for (const c of b.cells) {
    const cg = crop(g, c);
    if (!cg) { out.push('·'); continue; }
    const narrow = c.x1 - c.x0 < 80;
    const r = await (narrow ? eng : chi).recognize(pgm(cg));
    n++;
    out.push(`${r.data.text.trim().replace(/\s+/g, '')}(${Math.round(r.data.confidence)})`);
  }
  console.log(out.join(' | '));
}
console.log('ms per cell', Math.round((performance.now() - t0) / n));
await chi.terminate(); await eng.terminate();
