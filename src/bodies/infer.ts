// Body identity from a name alone: which government (GB/T 2260 code), which level, which parent.
// 莆田市审计局 → department of 莆田市人民政府 (350300); 三明市 → the prefecture government 350400.
// Every conclusion says how it was reached (the `inferred:<how>` sources of the body table).
import { createRequire } from 'node:module';
import { normalizeBodyName } from '../store/store.ts';
import { type AdminLevel, type Division, division, divisionsNamed, namesAt, within } from './divisions.ts';

export type BodyLevel = AdminLevel | 'township' | 'department';
export const BODY_LEVELS: readonly BodyLevel[] = ['province', 'prefecture', 'county', 'township', 'department'];

interface NameKnowledge {
  typos: { map: Record<string, string> };
  special_areas: { list: Array<{ name: string; region_code: string; level: AdminLevel; why: string }> };
  department_abbreviations: { map: Record<string, string> };
  reform_renames: { map: Record<string, string> };
}
const KNOW = createRequire(import.meta.url)('../../data/bodies/names.json') as NameKnowledge;

export interface InferredBody {
  /** The canonical name the printed one maps to (a government is `…人民政府`). */
  canonical: string;
  level: BodyLevel | null;
  /** The tier of the government the body is or belongs to. */
  adminLevel: AdminLevel | 'township' | null;
  regionCode: string | null;
  /** Canonical name of the parent government, when known. */
  parent: string | null;
  /** How each field was reached (`inferred:<how>`), null when not reached. */
  sources: { level: string | null; region: string | null; parent: string | null };
  /** How the printed name relates to the canonical one (`inferred:typo`, `inferred:reform-2018` …). */
  aliasSource: string;
  /** Why a region could not be inferred (several divisions share the name …). */
  doubt: string | null;
}

const GOVERNMENT = /^(人民政府|政府)?$/;
const OFFICE = /^(人民政府|政府)(办公厅|办公室)$/;
const TOWNSHIP = /^(.{1,12}?(镇|乡|街道))(人民政府|办事处)?$/;

/** A government's canonical name: the division's own name, or with its parent's when it repeats. */
function governmentName(d: Division): string {
  if (divisionsNamed(d.name).length > 1 && d.parent) return `${division(d.parent)?.name ?? ''}${d.name}人民政府`;
  return `${d.name}人民政府`;
}

/** The chain of divisions a name starts with (江苏省淮安市洪泽区…), and the rest of the name. */
function divisionPrefix(name: string): { divs: Division[]; rest: string; ambiguous: string | null } {
  const divs: Division[] = [];
  let at = 0;
  for (;;) {
    const prev = divs.at(-1);
    if (prev?.level === 'county') break;
    let took = false;
    for (const n of namesAt(name, at)) {
      const cands = divisionsNamed(n).filter((d) => !prev || (d.code !== prev.code && within(d.code, prev)));
      if (cands.length === 1) {
        divs.push(cands[0]!);
        at += n.length;
        took = true;
        break;
      }
      if (cands.length > 1 && !prev)
        return { divs, rest: name.slice(at), ambiguous: `${n}: ${cands.map((c) => c.code).join(', ')}` };
    }
    if (!took) break;
  }
  return { divs, rest: name.slice(at), ambiguous: null };
}

/** Apply the first matching suffix rewrite of `map` to a department name. */
function rewriteSuffix(rest: string, map: Record<string, string>): string | null {
  for (const [from, to] of Object.entries(map)) if (rest.endsWith(from)) return rest.slice(0, -from.length) + to;
  return null;
}

export function inferBody(printed: string): InferredBody {
  let name = normalizeBodyName(printed);
  let aliasSource = 'inferred:same-name';
  for (const [from, to] of Object.entries(KNOW.typos.map))
    if (name.includes(from)) {
      name = name.replace(from, to);
      aliasSource = 'inferred:typo';
    }
  const none = { level: null, region: null, parent: null };

  // Special areas: governments not listed under their own name in GB/T 2260.
  for (const s of KNOW.special_areas.list) {
    if (!name.startsWith(s.name)) continue;
    const rest = name.slice(s.name.length);
    const src = 'inferred:special-area';
    if (/^(管理委员会|管委会)?$/.test(rest) || GOVERNMENT.test(rest))
      return {
        canonical: s.name,
        level: s.level,
        adminLevel: s.level,
        regionCode: s.region_code,
        parent: governmentOfCode(division(s.region_code)?.parent ?? null),
        sources: { level: src, region: src, parent: src },
        aliasSource: rest ? 'inferred:government-name' : aliasSource,
        doubt: null,
      };
    return department(s.name, s.region_code, s.level, rest, aliasSource, src);
  }

  const { divs, rest, ambiguous } = divisionPrefix(name);
  const d = divs.at(-1);
  if (!d) {
    return {
      canonical: name,
      level: null,
      adminLevel: null,
      regionCode: null,
      parent: null,
      sources: none,
      aliasSource,
      doubt: ambiguous ? `several divisions are named ${ambiguous}` : 'no GB/T 2260 division name at the start',
    };
  }
  if (GOVERNMENT.test(rest)) {
    const src = 'inferred:government-name';
    return {
      canonical: governmentName(d),
      level: d.level,
      adminLevel: d.level,
      regionCode: d.code,
      parent: governmentOfCode(d.parent),
      sources: { level: src, region: src, parent: d.parent ? 'inferred:division-parent' : null },
      aliasSource: rest === '人民政府' ? aliasSource : 'inferred:government-name',
      doubt: null,
    };
  }
  const town = d.level === 'county' ? TOWNSHIP.exec(rest) : null;
  if (town && !/局|委|办公/.test(town[1]!)) {
    const src = 'inferred:township-of-county';
    const suffix = town[2] === '街道' ? '办事处' : '人民政府';
    return {
      canonical: `${governmentName(d).replace(/人民政府$/, '')}${town[1]}${suffix}`,
      level: 'township',
      adminLevel: 'township',
      regionCode: d.code,
      parent: governmentName(d),
      sources: { level: 'inferred:township-name', region: src, parent: src },
      aliasSource,
      doubt: null,
    };
  }
  return department(governmentName(d).replace(/人民政府$/, ''), d.code, d.level, rest, aliasSource, null);
}

function governmentOfCode(code: string | null): string | null {
  const d = code ? division(code) : null;
  return d ? governmentName(d) : null;
}

function department(
  prefix: string,
  code: string,
  adminLevel: AdminLevel,
  rest: string,
  aliasSource: string,
  areaSource: string | null,
): InferredBody {
  let dept = rest;
  let how = aliasSource;
  const office = OFFICE.exec(rest);
  if (office) dept = `人民政府${office[2]}`;
  const abbr = rewriteSuffix(dept, KNOW.department_abbreviations.map);
  if (abbr) (dept = abbr), (how = 'inferred:abbreviation');
  const renamed = rewriteSuffix(dept, KNOW.reform_renames.map);
  if (renamed) (dept = renamed), (how = 'inferred:reform-2018');
  const src = areaSource ?? 'inferred:department-name';
  // A special area's government carries the area's own name (平潭综合实验区), others end in 人民政府.
  const government = areaSource !== null ? prefix : `${prefix}人民政府`;
  return {
    canonical: `${prefix}${dept}`,
    level: 'department',
    adminLevel,
    regionCode: code,
    parent: government,
    sources: { level: 'inferred:department-name', region: src, parent: src },
    aliasSource: how,
    doubt: null,
  };
}
