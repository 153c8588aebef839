import { readFileSync } from 'node:fs';
import { gridBands, toGray, crop } from './src/read/ocr-grid.ts';
const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
const doc = await pdfjs.getDocument({ data: new Uint8Array(readFileSync(process.argv[2]!)), verbosity: 0 }).promise;
for (let p = 1; p <= doc.numPages; p++) {
  const page = await doc.getPage(p);
  const ops = await page.getOperatorList();
  for (let i = 0; i < ops.fnArray.length; i++) {
    if (ops.fnArray[i] !== pdfjs.OPS.paintImageXObject) continue;
    const img: any = await new Promise((res) => page.objs.get(ops.argsArray[i][0], res));
    const g = toGray(img.width, img.height, img.data, img.kind === 1 ? 0 : img.kind === 2 ? 3 : 4);
    const bands = gridBands(g);
    console.log('page', p, 'bands', bands.length, bands.map((b) => b.cells.length).join(','));
  }
}
