// A small store of review items built from the project's own renderers, for the desk's tests.
import { layoutKeys, PLAIN } from '../../src/demo/layout.ts';
import { renderHtml, renderTabText } from '../../src/demo/render.ts';
import { ingestBytes, recheck } from '../../src/ingest/ingest.ts';
import type { ExtractionPool } from '../../src/isolate/pool.ts';
import type { Store } from '../../src/store/store.ts';

export const AT = '2026-01-01T00:00:00.000Z';

/** A v2021 report whose table 4 行政复议 row does not add up (T4-1, publisher) and whose 新收 total is wrong (T3-3). */
export function badCells(): Map<string, string> {
  const cells = new Map(layoutKeys('v2021').map((k) => [k, '0']));
  cells.set('table4|review|upheld', '10');
  cells.set('table3|new_received|natural_person', '7');
  cells.set('table3|results.granted|natural_person', '7');
  cells.set('table3|results.total|natural_person', '7');
  cells.set('table3|results.granted|total', '7');
  cells.set('table3|results.total|total', '7');
  return cells;
}

export const htmlReport = (agency: string, cells = badCells()) =>
  renderHtml({ version: 'v2021', agency, year: 2024, cells }, PLAIN);
export const textReport = (agency: string, cells = badCells()) =>
  new TextEncoder().encode(renderTabText({ version: 'v2021', agency, year: 2024, cells }, PLAIN));

/** Ingest and check the documents; `pool` extracts them (default: the shared pool). */
export async function ingestAll(
  store: Store,
  docs: Array<[string, Uint8Array]>,
  pool?: ExtractionPool,
): Promise<number[]> {
  const ids: number[] = [];
  for (const [location, bytes] of docs) {
    const r = await ingestBytes(store, bytes, { location }, AT, undefined, pool ? { pool } : {});
    if (r.reportId === null) throw new Error(`${location}: not read`);
    ids.push(r.reportId);
  }
  await recheck(store, ids, AT);
  return ids;
}
