// Report metadata from the document: agencies that look like bodies, wrapped titles, traditional
// characters, the fee section 六 states (a stated zero is not a blank).
import { describe, expect, it } from 'vitest';
import { asAgency, extractMetadata } from '../../src/extract/metadata.ts';
import { readText } from '../../src/read/text.ts';

const meta = (text: string) => extractMetadata(readText(text, 'utf-8')).report;

describe('agency', () => {
  it.each([
    ['年', null],
    ['莆', null],
    ['2019年', null],
    ['度', null],
    ['根据条例，特向社会', null],
    ['莆田市审计局', '莆田市审计局'],
    ['平潭综合实验区', '平潭综合实验区'],
    ['三明市', '三明市'],
    ['上海市人民政府办公厅', '上海市人民政府办公厅'],
    ['莆田市审计局关于', '莆田市审计局'],
  ])('asAgency(%j) = %j', (s, want) => expect(asAgency(s)).toBe(want));

  it('a title wrapped after "特向社会公布X" gives the body, never a fragment of the year', () => {
    const r = meta(
      [
        '根据《中华人民共和国政府信息公开条例》规定，特向社会公布莆田市审计局',
        '2019年政府信息公开工作年度报告。本报告中所列数据的统计期限自2019年1月1日起至2019年12月31日止。',
      ].join('\n'),
    );
    expect(r.agency).toBe('莆田市审计局');
    expect(r.report_year).toBe(2019);
    expect(r.agency_source).not.toBeNull();
  });

  it('a title whose year wrapped ("…2019" / "年政府信息公开工作年度报告") does not make "年" the agency', () => {
    const r = meta(['特向社会公布莆田市审计局2019', '年政府信息公开工作年度报告', '一、总体情况'].join('\n'));
    expect(r.agency).not.toBe('年');
    expect(r.agency).toBe('莆田市审计局');
  });

  it('no body named anywhere: null, not a fragment', () => {
    const r = meta(['2019年政府信息公开工作年度报告', '一、总体情况', '本年度工作平稳。'].join('\n'));
    expect(r.agency).toBeNull();
    expect(r.agency_source).toBeNull();
  });

  it('the signature names the body when the title does not', () => {
    const r = meta(
      ['2019年政府信息公开工作年度报告', '一、总体情况', '本年度工作平稳。', '莆田市审计局', '2020年1月18日'].join(
        '\n',
      ),
    );
    expect(r).toMatchObject({ agency: '莆田市审计局', agency_source: 'body' });
  });

  it('traditional characters in the title: simplified agency and the year', () => {
    const r = meta('莆田市審計局2019年政府信息公開工作年度報告\n一、總體情況');
    expect(r).toMatchObject({ agency: '莆田市审计局', report_year: 2019, agency_source: 'title' });
    // 檔案局 is an archives bureau: the label fix 档案 → 文件 must not reach running text.
    expect(meta('莆田市檔案局2020年政府信息公開工作年度報告').agency).toBe('莆田市档案局');
  });
});

describe('processing fee (section 六)', () => {
  const withSix = (s: string) => `莆田市审计局2023年政府信息公开工作年度报告\n六、其他需要报告的事项\n${s}`;
  it.each([
    ['本年度无收取信息费。', 0],
    ['1.信息处理费收取情况：无。', 0],
    ['信息公开处理费收取情况\n无。', 0],
    ['2023年，无收取信息处理费情况。', 0],
    ['本机关未收取信息处理费。', 0],
    ['本年度共收取信息处理费120元。', 120],
    ['无其他需要报告的事项。', null],
    ['申请人逾期未按收费通知要求缴纳费用的，不再处理。', null],
  ])('%j → %j', (text, want) => expect(meta(withSix(text)).processing_fee_yuan).toBe(want));
});
