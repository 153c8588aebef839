// Every known report format. A new State Council revision is a new template file added here.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FormatTemplate } from './template.ts';
import { v2019 } from './ogi-v2019.ts';
import { v2021 } from './ogi-v2021.ts';

export const TEMPLATES: readonly FormatTemplate[] = [v2021, v2019];
export type { ColumnSpec, FormatTemplate, RowSpec, TableTemplate, ValueKind } from './template.ts';
import type { ColumnSpec, ValueKind } from './template.ts';

/** The format prescribed for reports on `year` (from the templates' years); null before 2019. */
export function versionForYear(year: number | null): (typeof TEMPLATES)[number]['version'] | null {
  if (year === null) return null;
  return TEMPLATES.find((t) => year >= t.years.from && (t.years.to === null || year <= t.years.to))?.version ?? null;
}

/** A table's value columns over every version (first definition of a key wins), for header positions. */
export function tableColumns(table: 'table2' | 'table3' | 'table4'): ColumnSpec[] {
  const seen = new Map<string, ColumnSpec>();
  for (const t of TEMPLATES) for (const c of t[table].columns) if (!seen.has(c.key)) seen.set(c.key, c);
  return [...seen.values()];
}

/**
 * What a column's cells hold (count, signed change, amount), read from the templates on every call
 * (first version defining the key wins; a test holds the versions in agreement). Unknown keys are counts.
 */
export function columnKind(table: 'table2' | 'table3' | 'table4', col: string): ValueKind {
  for (const t of TEMPLATES) for (const c of t[table].columns) if (c.key === col) return c.kind;
  return 'count';
}
/** The printed label of a row in a version's template (the key itself when unknown). */
export function printedLabel(version: string | null, table: 'table2' | 'table3' | 'table4', row: string): string {
  for (const t of version ? TEMPLATES.filter((x) => x.version === version) : TEMPLATES) {
    const spec = t[table].rows.find((r) => r.key === row);
    if (spec) return spec.printed ?? spec.labels[0] ?? row;
  }
  return row;
}

export const COLUMN_LABELS: Record<string, string> = {
  natural_person: '自然人',
  'legal.commercial': '商业企业',
  'legal.research': '科研机构',
  'legal.social_welfare': '社会公益组织',
  'legal.legal_services': '法律服务机构',
  'legal.other': '其他',
  'legal.subtotal': '法人或其他组织小计',
  total: '总计',
  upheld: '结果维持',
  corrected: '结果纠正',
  other: '其他结果',
  pending: '尚未审结',
  issued: '本年制发件数',
  repealed: '本年废止件数',
  in_force: '现行有效件数',
  decisions: '处理决定数量',
  amount: '金额',
  newly_made: '本年新制作数量',
  newly_published: '本年新公开数量',
  total_published: '对外公开总数量',
  prev_items: '上一年项目数量',
  change: '本年增/减',
  items: '采购项目数量',
};

export { TABLE3_COLS, TABLE3_APPLICANT_COLS, TABLE3_LEGAL_COLS, TABLE4_COLS } from './ogi-common.ts';
/**
 * The version of the code that reads: a hash of every file under parsers/, src/read/ and
 * src/extract/, so any change to templates, reading or extraction is a new version and the store's
 * runs (keyed by it) show which documents a newer parser has not read yet. Computed once, on first
 * use (about a millisecond); `NIANBAO_PARSER_VERSION` overrides it (tests, pinned deployments).
 */
export function parserVersion(): string {
  cachedVersion ??= process.env.NIANBAO_PARSER_VERSION || hashTree();
  return cachedVersion;
}
let cachedVersion: string | undefined;

function hashTree(): string {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const h = createHash('sha256');
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(path.join(root, dir)).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const rel = `${dir}/${name}`;
      if (statSync(path.join(root, rel)).isDirectory()) walk(rel);
      else if (/\.(?:ts|js|json)$/.test(name))
        h.update(`${rel}\0`)
          .update(readFileSync(path.join(root, rel)))
          .update('\0');
    }
  };
  for (const dir of ['parsers', 'src/read', 'src/extract']) walk(dir);
  return `p-${h.digest('hex').slice(0, 12)}`;
}

/** The current parser version (see parserVersion()); kept as a constant for existing importers. */
export const PARSER_VERSION = parserVersion();
