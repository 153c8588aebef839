// Scores records against the corpus's hand-checked gold files (../shared/corpus/README.md).
import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ReportRecord, TableId } from '../record.ts';
import { extractBytes } from '../pipeline.ts';

export interface Gold {
  id: string;
  media: string;
  file: string;
  mode: 'exact' | 'optional' | 'meta-only';
  expect: { kind?: string; report_year?: number; agency?: string; format_version?: Record<string, string | null> };
  cells: Array<[TableId, string, string, number | null]>;
  publisher_inconsistent?: string[];
}

export interface ReportScore {
  id: string;
  media: string;
  mode: Gold['mode'];
  error: string | null;
  gold: number;
  right: number;
  goldNonZero: number;
  rightNonZero: number;
  wrong: number;
  missed: number;
  spurious: number;
  /** Values read from a meta-only copy (no gold to score them; they must carry a finding). */
  unverifiable: number;
  silent: number;
  metaErrors: string[];
  publisherMissed: string[];
  fullyRight: boolean;
  details: string[];
}

const same = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

/** Tables that carry a failed or not-assessable finding: an error there is flagged, not silent. */
function flaggedTables(r: ReportRecord): Set<string> {
  const s = new Set<string>();
  for (const f of r.findings) if (f.status !== 'pass') for (const c of f.cells) s.add(c[0]);
  return s;
}

export function score(gold: Gold, record: ReportRecord | null, error: string | null): ReportScore {
  const s: ReportScore = {
    id: gold.id,
    media: gold.media,
    mode: gold.mode,
    error,
    gold: 0,
    right: 0,
    goldNonZero: 0,
    rightNonZero: 0,
    wrong: 0,
    missed: 0,
    spurious: 0,
    unverifiable: 0,
    silent: 0,
    metaErrors: [],
    publisherMissed: [],
    fullyRight: false,
    details: [],
  };
  const scored = gold.mode !== 'meta-only';
  if (scored) {
    s.gold = gold.cells.length;
    s.goldNonZero = gold.cells.filter((c) => c[3] !== null && c[3] !== 0).length;
  }
  if (!record) {
    if (scored) s.missed = gold.cells.filter((c) => c[3] !== null).length;
    s.metaErrors.push('no record');
    return s;
  }
  const flagged = flaggedTables(record);
  const got = new Map(record.cells.map((c) => [`${c.table}|${c.row}|${c.col}`, c]));
  const goldKeys = new Set(gold.cells.map(([t, r, c]) => `${t}|${r}|${c}`));
  if (scored) {
    for (const [t, r, c, v] of gold.cells) {
      const e = got.get(`${t}|${r}|${c}`);
      const nonZero = v !== null && v !== 0;
      if (v === null) {
        if (!e || e.value === null || e.value === 0) s.right++;
        else {
          s.wrong++;
          s.details.push(`wrong ${t}/${r}/${c}: ${e.value} (gold blank)`);
          if (!flagged.has(t)) s.silent++;
        }
        continue;
      }
      if (!e) {
        if (gold.mode === 'exact') {
          s.missed++;
          s.details.push(`missed ${t}/${r}/${c} = ${v}`);
        } else s.details.push(`left out ${t}/${r}/${c}`);
        continue;
      }
      if (e.value !== null && same(e.value, v)) {
        s.right++;
        if (nonZero) s.rightNonZero++;
        continue;
      }
      s.wrong++;
      s.details.push(`wrong ${t}/${r}/${c}: ${e.value} (raw "${e.raw}") gold ${v}`);
      if (!flagged.has(t)) s.silent++;
    }
  }
  for (const c of record.cells) {
    if (goldKeys.has(`${c.table}|${c.row}|${c.col}`) || c.value === null) continue;
    // meta-only copies have no gold cells: what is read there cannot be scored, only required flagged.
    if (scored) s.spurious++;
    else s.unverifiable++;
    s.details.push(`${scored ? 'spurious' : 'unverifiable'} ${c.table}/${c.row}/${c.col} = ${c.value}`);
    if (!flagged.has(c.table)) s.silent++;
  }
  const e = gold.expect;
  if (e.kind && e.kind !== record.report.kind) s.metaErrors.push(`kind ${record.report.kind} ≠ ${e.kind}`);
  if (e.report_year !== undefined && e.report_year !== record.report.report_year)
    s.metaErrors.push(`year ${record.report.report_year} ≠ ${e.report_year}`);
  if (e.agency && e.agency !== record.report.agency) s.metaErrors.push(`agency ${record.report.agency} ≠ ${e.agency}`);
  for (const [t, v] of Object.entries(e.format_version ?? {})) {
    const have = record.report.format_version[t as TableId];
    if (have !== v) s.metaErrors.push(`${t} version ${have} ≠ ${v}`);
  }
  for (const p of gold.publisher_inconsistent ?? []) {
    const [rule, where] = p.split(':');
    const hit = record.findings.some(
      (f) => f.rule === rule && f.status === 'fail' && f.cells.some((c) => c[1] === where || c[2] === where),
    );
    if (!hit) s.publisherMissed.push(p);
  }
  s.fullyRight =
    s.wrong === 0 &&
    s.missed === 0 &&
    s.spurious === 0 &&
    s.silent === 0 &&
    s.metaErrors.filter((m) => !m.startsWith('agency')).length === 0 &&
    (gold.mode !== 'exact' || s.right === s.gold);
  return s;
}

/** One corpus file's record; throws the reason when it cannot be read. */
export type ReadRecord = (bytes: Uint8Array, file: string) => Promise<ReportRecord>;
const extractInProcess: ReadRecord = (bytes, file) => extractBytes(bytes, { path: file });

/** Scores every report with a gold file; records are extracted here unless `read` gets them elsewhere (a store). */
export async function evaluateCorpus(dir: string, read: ReadRecord = extractInProcess): Promise<ReportScore[]> {
  const out: ReportScore[] = [];
  for (const id of (await readdir(dir)).sort()) {
    const goldPath = path.join(dir, id, 'gold.json');
    if (!existsSync(goldPath)) continue;
    const gold = { id, ...JSON.parse(await readFile(goldPath, 'utf8')) } as Gold;
    const file = path.join(dir, id, gold.file);
    let record: ReportRecord | null = null;
    let error: string | null = null;
    try {
      record = await read(await readFile(file), file);
    } catch (e) {
      error = (e as Error).message.split('\n')[0]!;
    }
    out.push(score(gold, record, error));
  }
  return out;
}

export interface Totals {
  reports: number;
  gold: number;
  right: number;
  goldNonZero: number;
  rightNonZero: number;
  wrong: number;
  missed: number;
  spurious: number;
  unverifiable: number;
  silent: number;
  fullyRight: number;
  errors: number;
  metaErrors: number;
  publisherMissed: number;
}

export function totals(scores: ReportScore[]): Totals {
  const t: Totals = {
    reports: 0,
    gold: 0,
    right: 0,
    goldNonZero: 0,
    rightNonZero: 0,
    wrong: 0,
    missed: 0,
    spurious: 0,
    unverifiable: 0,
    silent: 0,
    fullyRight: 0,
    errors: 0,
    metaErrors: 0,
    publisherMissed: 0,
  };
  for (const s of scores) {
    t.reports++;
    t.gold += s.gold;
    t.right += s.right;
    t.goldNonZero += s.goldNonZero;
    t.rightNonZero += s.rightNonZero;
    t.wrong += s.wrong;
    t.missed += s.missed;
    t.spurious += s.spurious;
    t.unverifiable += s.unverifiable;
    t.silent += s.silent;
    t.fullyRight += s.fullyRight ? 1 : 0;
    t.errors += s.error ? 1 : 0;
    t.metaErrors += s.metaErrors.length;
    t.publisherMissed += s.publisherMissed.length;
  }
  return t;
}
