// fast-check arbitraries for fixture reports: both versions, blanks, placeholders, signed changes.
import fc from 'fast-check';
import { layoutKeys, type FixtureReport, type Version } from '../../src/demo/layout.ts';

const AGENCIES = ['信阳市司法局', '莆田市林业局', '三明市人民政府', '平潭综合实验区', '上海市人民政府办公厅'];

function printed(key: string, allowBlank: boolean): fc.Arbitrary<string> {
  const count = fc.oneof(
    { weight: 5, arbitrary: fc.constant('0') },
    { weight: 4, arbitrary: fc.integer({ min: 1, max: 99 }).map(String) },
    { weight: 1, arbitrary: fc.integer({ min: 100, max: 999999 }).map(String) },
  );
  const holes = allowBlank ? [fc.constant(''), fc.constantFrom('-', '—', '/', '无')] : [fc.constantFrom('-', '—', '/')];
  let value = count;
  if (key.endsWith('|change'))
    value = fc.oneof(
      count,
      fc.integer({ min: 1, max: 50 }).chain((n) => fc.constantFrom(`+${n}`, `-${n}`, `增${n}`, `减${n}`)),
    );
  if (key.endsWith('|amount'))
    value = fc.oneof(
      count,
      fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1, max: 99 })).map(([a, b]) => `${a}.${b}`),
    );
  return fc.oneof({ weight: 12, arbitrary: value }, { weight: 1, arbitrary: fc.oneof(...holes) });
}

export function fixtureReport(opts: { allowBlank: boolean; subtotal?: boolean }): fc.Arbitrary<FixtureReport> {
  return fc.constantFrom<Version>('v2019', 'v2021').chain((version) => {
    const keys = layoutKeys(version);
    if (opts.subtotal)
      keys.push(
        ...[
          'natural_person',
          'legal.commercial',
          'legal.research',
          'legal.social_welfare',
          'legal.legal_services',
          'legal.other',
          'total',
        ].map((c) => `table3|results.withheld.total|${c}`),
      );
    return fc
      .record({
        version: fc.constant(version),
        agency: fc.constantFrom(...AGENCIES),
        year: version === 'v2019' ? fc.integer({ min: 2019, max: 2020 }) : fc.integer({ min: 2021, max: 2025 }),
        values: fc.tuple(...keys.map((k) => printed(k, opts.allowBlank))),
      })
      .map(({ version, agency, year, values }) => ({
        version,
        agency,
        year,
        cells: new Map(keys.map((k, i) => [k, values[i]!])),
      }));
  });
}
