// Test fixture renderer, PDF: the official layout drawn with pdfkit in a CID Chinese font (Debian's
// fonts-wqy-microhei, installed by .ci/run), with wrapped labels, tables that run over page breaks,
// page footers ("— 2 —") and, as a variation, cell borders drawn as filled rectangles.
import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import {
  layoutTable2,
  layoutTable3,
  layoutTable4,
  placeLayout,
  PLAIN,
  type FixtureReport,
  type LTable,
  type PlacedCell,
  type Variation,
} from '../../src/demo/layout.ts';

export const CJK_FONT = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';
export const hasCjkFont = () => existsSync(CJK_FONT);

export interface PdfVariation extends Variation {
  filledBorders: boolean;
  /** Cells whose digits the text layer splits ("1 2"): drawn digit by digit with a small gap. */
  splitDigits?: Set<string>;
  /** Start a table near the bottom of a page so that it continues on the next one. */
  splitTables: boolean;
}

const PAGE = { w: 595, h: 842, margin: 50 };
const FONT_SIZE = 8;
const LINE = 10;

function widths(cols: number, table: 'table2' | 'table3' | 'table4'): number[] {
  const W = PAGE.w - 2 * PAGE.margin;
  if (table === 'table3') {
    const label = [34, 46, 120];
    const rest = (W - label.reduce((a, b) => a + b, 0)) / (cols - 3);
    return [...label, ...Array.from({ length: cols - 3 }, () => rest)];
  }
  if (table === 'table2') return [175, ...Array.from({ length: cols - 1 }, () => (W - 175) / (cols - 1))];
  return Array.from({ length: cols }, () => W / cols);
}

/** Wrap by characters (CJK text has no spaces): about one glyph per font size of width. */
function wrap(text: string, width: number): string[] {
  const per = Math.max(1, Math.floor((width - 4) / FONT_SIZE));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += per) out.push(text.slice(i, i + per));
  return out.length ? out : [''];
}

export function renderPdf(
  r: FixtureReport,
  v: PdfVariation = { ...PLAIN, filledBorders: false, splitTables: false },
): Promise<Uint8Array> {
  const doc = new PDFDocument({ size: 'A4', margin: PAGE.margin, autoFirstPage: true, compress: false });
  doc.registerFont('cjk', CJK_FONT, 'WenQuanYiMicroHei');
  doc.font('cjk');
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Uint8Array>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  let page = 1;
  let y = PAGE.margin;
  const footer = () => {
    doc.page.margins.bottom = 0; // or pdfkit starts a new page for text below the margin
    doc.fontSize(9).text(`— ${page} —`, 0, PAGE.h - 35, { width: PAGE.w, align: 'center', lineBreak: false });
  };
  const newPage = () => {
    footer();
    doc.addPage();
    page++;
    y = PAGE.margin;
  };
  const para = (text: string, size = 10.5) => {
    doc.fontSize(size);
    const h = doc.heightOfString(text, { width: PAGE.w - 2 * PAGE.margin });
    if (y + h > PAGE.h - 60) newPage();
    doc.text(text, PAGE.margin, y, { width: PAGE.w - 2 * PAGE.margin });
    y += h + 6;
  };
  const table = (t: LTable, kind: 'table2' | 'table3' | 'table4') => {
    const { cells, cols } = placeLayout(t);
    const ws = widths(cols, kind);
    const xs = ws.map((_, i) => PAGE.margin + ws.slice(0, i).reduce((a, b) => a + b, 0));
    const span = (c: PlacedCell) => ws.slice(c.col, c.col + c.colspan).reduce((a, b) => a + b, 0);
    const heights = t.map((_, row) =>
      Math.max(
        LINE + 6,
        ...cells
          .filter((c) => c.row === row && c.rowspan === 1 && !c.value)
          .map((c) => wrap(c.text, span(c)).length * LINE + 6),
      ),
    );
    if (v.splitTables) y = Math.max(y, PAGE.h - 60 - heights.slice(0, 6).reduce((a, b) => a + b, 0));
    const rowY: number[] = [];
    const rowPage: number[] = [];
    for (let row = 0; row < t.length; row++) {
      if (y + heights[row]! > PAGE.h - 60) newPage();
      rowY[row] = y;
      rowPage[row] = page;
      doc.fontSize(FONT_SIZE);
      for (const c of cells.filter((x) => x.row === row)) {
        // A merged cell is drawn down to the end of its rows on this page.
        let h = 0;
        for (let k = row; k < row + c.rowspan && k < t.length; k++) {
          if (k > row && y + h + heights[k]! > PAGE.h - 60) break;
          h += heights[k]!;
        }
        const w = span(c);
        const x = xs[c.col]!;
        if (v.filledBorders) {
          doc
            .rect(x, y, w, 0.6)
            .fill('black')
            .rect(x, y + h - 0.6, w, 0.6)
            .fill('black')
            .rect(x, y, 0.6, h)
            .fill('black')
            .rect(x + w - 0.6, y, 0.6, h)
            .fill('black');
        } else {
          doc.lineWidth(0.5).rect(x, y, w, h).stroke();
        }
        const lines = c.value ? [c.text] : wrap(c.text, w); // digits are narrow: numbers never wrap
        const top = y + (h - lines.length * LINE) / 2;
        if (c.key && v.splitDigits?.has(c.key) && c.text.length > 1) {
          // "1 2": the first digit, a gap of 3 pt, then the rest.
          const first = c.text.slice(0, 1);
          const x0 = x + w / 2 - 6;
          doc.fillColor('black').text(first, x0, top + 1, { lineBreak: false });
          doc.text(c.text.slice(1), x0 + doc.widthOfString(first) + 3, top + 1, { lineBreak: false });
          continue;
        }
        lines.forEach((l, i) =>
          doc.fillColor('black').text(l, x + 2, top + i * LINE + 1, {
            width: w - 4,
            align: c.value || c.col > 0 ? 'center' : 'left',
            lineBreak: false,
          }),
        );
      }
      y += heights[row]!;
    }
    y += 10;
  };
  doc.fontSize(16);
  para(`${r.agency}${r.year}年政府信息公开工作年度报告`, 16);
  para('一、总体情况');
  para(
    `${r.year}年，${r.agency}认真贯彻落实《中华人民共和国政府信息公开条例》，本年度报告中所列数据统计期限为${r.year}年1月1日至12月31日。`,
  );
  para('二、主动公开政府信息情况');
  table(layoutTable2(r, v), 'table2');
  para('三、收到和处理政府信息公开申请情况');
  table(layoutTable3(r, v), 'table3');
  para('四、政府信息公开行政复议、行政诉讼情况');
  table(layoutTable4(r, v), 'table4');
  para('五、存在的主要问题及改进情况');
  para('一是公开内容还需细化，将持续改进。');
  para('六、其他需要报告的事项');
  para('本年度未收取信息处理费。');
  footer();
  doc.end();
  return done;
}
