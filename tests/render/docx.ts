// Test fixture renderer, DOCX: the official layout as Word tables with real merges (rowSpan /
// columnSpan), written with the docx package — what agencies attach as .docx.
import { Document, Packer, Paragraph, Table, TableCell, TableRow, WidthType } from 'docx';
import {
  layoutTable2,
  layoutTable3,
  layoutTable4,
  type FixtureReport,
  type LTable,
  type Variation,
} from '../../src/demo/layout.ts';

function table(t: LTable): Table {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: t.map(
      (row) =>
        new TableRow({
          children: row.map(
            (c) =>
              new TableCell({
                rowSpan: c.rowspan ?? 1,
                columnSpan: c.colspan ?? 1,
                children: [new Paragraph(c.text)],
              }),
          ),
        }),
    ),
  });
}

export async function renderDocx(r: FixtureReport, v: Variation): Promise<Uint8Array> {
  const p = (text: string) => new Paragraph(text);
  const doc = new Document({
    sections: [
      {
        children: [
          p(`${r.agency}${r.year}年政府信息公开工作年度报告`),
          p('一、总体情况'),
          p(`${r.year}年，${r.agency}认真贯彻落实《中华人民共和国政府信息公开条例》。`),
          p('二、主动公开政府信息情况'),
          table(layoutTable2(r, v)),
          p('三、收到和处理政府信息公开申请情况'),
          table(layoutTable3(r, v)),
          p('四、政府信息公开行政复议、行政诉讼情况'),
          table(layoutTable4(r, v)),
          p('五、存在的主要问题及改进情况'),
          p('一是公开内容还需细化。'),
          p('六、其他需要报告的事项'),
          p('无。'),
        ],
      },
    ],
  });
  return new Uint8Array(await Packer.toBuffer(doc));
}
