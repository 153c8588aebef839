// Test fixture renderer, OFD: the official layout as TextObjects (millimetres) in an OFD package.
import { strToU8, zipSync } from 'fflate';
import {
  layoutTable2,
  layoutTable3,
  layoutTable4,
  placeLayout,
  PLAIN,
  type FixtureReport,
  type LTable,
} from '../../src/demo/layout.ts';

const SIZE = 3; // mm, the glyph height
const ROW = 7;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const textWidth = (t: string) => [...t].reduce((a, ch) => a + (ch.charCodeAt(0) < 0x2e80 ? SIZE / 2 : SIZE), 0);

export function renderOfd(r: FixtureReport): Uint8Array {
  const objects: string[] = [];
  let id = 10;
  let y = 20;
  const text = (t: string, x: number, yy: number) => {
    objects.push(
      `<ofd:TextObject ID="${id++}" Boundary="${x.toFixed(2)} ${yy.toFixed(2)} ${(textWidth(t) + 1).toFixed(2)} ${SIZE + 1}" Font="1" Size="${SIZE}"><ofd:TextCode X="0" Y="${SIZE}">${esc(t)}</ofd:TextCode></ofd:TextObject>`,
    );
  };
  const para = (t: string) => {
    text(t, 20, y);
    y += ROW;
  };
  const table = (t: LTable, widths: (cols: number) => number[]) => {
    const { cells: placed, cols } = placeLayout(t);
    const ws = widths(cols);
    const xs = ws.map((_, i) => 20 + ws.slice(0, i).reduce((a, b) => a + b, 0));
    for (const p of placed) {
      if (!p.text) continue;
      const w = ws.slice(p.col, p.col + p.colspan).reduce((a, b) => a + b, 0);
      const x = p.value || p.col > 0 ? xs[p.col]! + (w - textWidth(p.text)) / 2 : xs[p.col]! + 1; // headers and values centred
      text(p.text, x, y + ROW * (p.row + (p.rowspan - 1) / 2));
    }
    y += ROW * t.length + ROW;
  };
  para(`${r.agency}${r.year}年政府信息公开工作年度报告`);
  para('二、主动公开政府信息情况');
  table(layoutTable2(r, PLAIN), (n) => [60, ...Array.from({ length: n - 1 }, () => 30)]);
  para('三、收到和处理政府信息公开申请情况');
  // Long labels sit in wide label columns (an OFD exported from a wide page).
  table(layoutTable3(r, PLAIN), (n) => [40, 60, 170, ...Array.from({ length: n - 3 }, () => 16)]);
  para('四、政府信息公开行政复议、行政诉讼情况');
  table(layoutTable4(r, PLAIN), (n) => Array.from({ length: n }, () => 16));
  para('五、存在的主要问题及改进情况');
  const content = `<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer ID="2">${objects.join('')}</ofd:Layer></ofd:Content></ofd:Page>`;
  return zipSync({
    'OFD.xml': strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.1" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:Title>${esc(`${r.agency}${r.year}年政府信息公开工作年度报告`)}</ofd:Title></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>`,
    ),
    'Doc_0/Document.xml': strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>0 0 420 ${y + 20}</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>`,
    ),
    'Doc_0/Pages/Page_0/Content.xml': strToU8(content),
  });
}
