// A small store of reports rendered by the project's own renderer (src/demo), with real body names
// so that identities resolve, both formats, a blank 新收申请 total and one publisher's slip.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { layoutKeys } from '../../src/demo/layout.ts';
import { renderHtml } from '../../src/demo/render.ts';
import { ingestBytes, recheck } from '../../src/ingest/ingest.ts';
import { openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/store.ts';

export const AT = '2026-01-01T00:00:00.000Z';

export interface FixtureSpec {
  agency: string;
  year: number;
  /** table3 new_received / total; null prints the cell blank */
  received: number | null;
}

export const FIXTURES: FixtureSpec[] = [
  { agency: '三明市人民政府', year: 2020, received: 41 },
  { agency: '三明市人民政府', year: 2023, received: 57 },
  { agency: '莆田市审计局', year: 2020, received: 3 },
  { agency: '莆田市审计局', year: 2023, received: 5 },
  { agency: '莆田市人民政府', year: 2023, received: 120 },
  { agency: '沭阳县发展和改革局', year: 2023, received: null },
  { agency: '莆田市文化广电新闻出版局', year: 2019, received: 2 },
  { agency: '莆田市文化和旅游局', year: 2021, received: 9 },
];

export function renderFixture(s: FixtureSpec): Uint8Array {
  const version = s.year >= 2021 ? 'v2021' : 'v2019';
  const cells = new Map(layoutKeys(version).map((k) => [k, '0']));
  const n = s.received;
  // Natural persons only: received = granted = answered; nothing carried over.
  cells.set('table3|new_received|natural_person', n === null ? '' : String(n));
  cells.set('table3|new_received|total', n === null ? '' : String(n));
  for (const row of ['results.granted', 'results.total'])
    for (const col of ['natural_person', 'total']) cells.set(`table3|${row}|${col}`, String(n ?? 0));
  if (version === 'v2021') cells.set('table2|fees|amount', '1.5');
  cells.set('table4|review|upheld', '1');
  cells.set('table4|review|total', s.agency === '莆田市审计局' && s.year === 2023 ? '2' : '1'); // T4-1 fails once
  return renderHtml({ version, agency: s.agency, year: s.year, cells });
}

/** The fixtures ingested into a store: `target` (a file or a Postgres URL), else a new SQLite file. */
export async function fixtureStore(
  specs: FixtureSpec[] = FIXTURES,
  target?: string,
): Promise<{ store: Store; db: string }> {
  const db = target ?? path.join(mkdtempSync(path.join(tmpdir(), 'nianbao-export-')), 'n.db');
  const store = await openStore(db);
  const ids: number[] = [];
  for (const [i, s] of specs.entries()) {
    const r = await ingestBytes(store, renderFixture(s), { location: `fixture-${i}.html` }, AT);
    ids.push(r.reportId!);
  }
  await recheck(store, ids, AT);
  return { store, db };
}
