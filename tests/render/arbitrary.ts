// fast-check arbitraries for fixture reports: both versions, blanks, placeholders, signed changes.
import fc from 'fast-check';
import { layoutKeys, table3Groups, type FixtureReport, type Version } from '../../src/demo/layout.ts';

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

/**
 * Reports whose printed sums hold (table 3 rows and columns, table 4 rows), built from random
 * parts: the totals are computed here, by the generator, never by the code under test.
 */
export function consistentReport(): fc.Arbitrary<FixtureReport> {
  const APPLICANTS = [
    'natural_person',
    'legal.commercial',
    'legal.research',
    'legal.social_welfare',
    'legal.legal_services',
    'legal.other',
  ];
  const n = () =>
    fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: 1, max: 40 }) });
  return fc.constantFrom<Version>('v2019', 'v2021').chain((version) => {
    const items = table3Groups(version)
      .flatMap(([, rows]) => rows.map(([, k]) => k))
      .filter((k) => k !== 'results.total');
    const t2 = layoutKeys(version).filter((k) => k.startsWith('table2|'));
    return fc
      .record({
        agency: fc.constantFrom(...AGENCIES),
        year: version === 'v2019' ? fc.integer({ min: 2019, max: 2020 }) : fc.integer({ min: 2021, max: 2025 }),
        t2: fc.tuple(...t2.map(() => fc.integer({ min: 0, max: 300 }))),
        results: fc.tuple(...items.map(() => fc.tuple(...APPLICANTS.map(n)))),
        carriedForward: fc.tuple(...APPLICANTS.map(n)),
        carriedOver: fc.tuple(...APPLICANTS.map(n)),
        t4: fc.tuple(...[0, 1, 2].map(() => fc.tuple(n(), n(), n(), n()))),
      })
      .map(({ agency, year, t2: v2, results, carriedForward, carriedOver, t4 }) => {
        const cells = new Map<string, string>();
        t2.forEach((k, i) => cells.set(k, String(v2[i])));
        const row = (key: string, parts: number[]) => {
          APPLICANTS.forEach((c, i) => cells.set(`table3|${key}|${c}`, String(parts[i])));
          cells.set(`table3|${key}|total`, String(parts.reduce((a, b) => a + b, 0)));
        };
        items.forEach((k, i) => row(k, results[i]!));
        const total = APPLICANTS.map((_, c) => results.reduce((a, r) => a + r[c]!, 0));
        row('results.total', total);
        row('carried_forward', carriedForward);
        // new + carried over = results + carried forward, column by column (carried over capped).
        const over = APPLICANTS.map((_, c) => Math.min(carriedOver[c]!, total[c]! + carriedForward[c]!));
        row('carried_over', over);
        row(
          'new_received',
          APPLICANTS.map((_, c) => total[c]! + carriedForward[c]! - over[c]!),
        );
        ['review', 'litigation_direct', 'litigation_after_review'].forEach((r, i) => {
          const [a, b, c, d] = t4[i]!;
          for (const [col, v] of [
            ['upheld', a],
            ['corrected', b],
            ['other', c],
            ['pending', d],
            ['total', a + b + c + d],
          ] as const)
            cells.set(`table4|${r}|${col}`, String(v));
        });
        return { version, agency, year, cells };
      });
  });
}
