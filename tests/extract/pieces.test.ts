// One value printed in pieces: a sign apart from its digits, a unit wrapped to the next line,
// traditional units. Expected values are written by hand from what is printed.
import { describe, expect, it } from 'vitest';
import { parseValue } from '../../src/extract/value.ts';
import { extractTextBytes } from '../../src/pipeline.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
const T2_V2019 = (licensing: string[], fee: string[]) =>
  [
    '莆田市审计局2019年政府信息公开工作年度报告',
    '二、主动公开政府信息情况',
    '第二十条第（一）项',
    '信息内容',
    '本年新制作数量',
    '本年新公开数量',
    '对外公开总数量',
    '规章',
    '1',
    '2',
    '3',
    '规范性文件',
    '4',
    '5',
    '6',
    '第二十条第（五）项',
    '信息内容',
    '上一年项目数量',
    '本年增/减',
    '处理决定数量',
    '行政许可',
    ...licensing,
    '第二十条第（八）项',
    '信息内容',
    '上一年项目数量',
    '本年增/减',
    '行政事业性收费',
    ...fee,
    '三、收到和处理政府信息公开申请情况',
  ].join('\n');

const cell = (text: string, row: string, col: string) => {
  const rec = extractTextBytes(utf8(text), { path: 'dump.txt' });
  return rec.cells.find((c) => c.table === 'table2' && c.row === row && c.col === col);
};

describe('values printed in pieces', () => {
  it('"+ 14" on one line and "+" / "14" on two lines are +14', () => {
    expect(cell(T2_V2019(['20', '+ 14', '7'], ['3', '0']), 'licensing', 'change')?.value).toBe(14);
    expect(cell(T2_V2019(['20', '+', '14', '7'], ['3', '0']), 'licensing', 'change')?.value).toBe(14);
    expect(cell(T2_V2019(['20', '+', '14', '7'], ['3', '0']), 'licensing', 'decisions')?.value).toBe(7);
  });

  it('a space-separated line "行政许可 20 + 14 7" reads three values', () => {
    const text = T2_V2019(['20', '0', '7'], ['3', '0']).replace('行政许可\n20\n0\n7', '行政许可 20 + 14 7');
    expect(cell(text, 'licensing', 'change')?.value).toBe(14);
    expect(cell(text, 'licensing', 'prev_items')?.value).toBe(20);
  });

  it('"8.175万" / "元" on two lines is 8.175 with unit 万元', () => {
    const c = cell(T2_V2019(['20', '0', '7'], ['8.175万', '元', '0']), 'fees', 'prev_items');
    expect([c?.value, c?.unit]).toEqual([8.175, '万元']);
  });

  it('traditional units: 萬元 is 万元', () => {
    expect(parseValue('8.175萬元')).toMatchObject({ kind: 'number', value: 8.175, unit: '万元' });
    expect(parseValue('減3')).toMatchObject({ kind: 'number', value: -3 });
  });

  it('a lone minus is a placeholder, not a sign: "-" / "14" stays two cells', () => {
    // The placeholder and the number are two printed cells; joining them would invent -14.
    expect(cell(T2_V2019(['-', '14', '7'], ['3', '0']), 'licensing', 'change')?.value).toBe(14);
  });
});
