// Body identities in the store: the registry's facts first (`given`), then what the name says
// (`inferred:<how>`); a person's merges and aliases (`person:<who>`) are never undone by a re-run,
// because every lookup goes through the alias table and follows merges to the surviving body.
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { loadRegistry, type Source } from '../crawl/registry.ts';
import { log } from '../log.ts';
import { type BodyRow, normalizeBodyName, type Store } from '../store/store.ts';
import { BODIES_LOCK } from './edit.ts';
import { inferBody } from './infer.ts';

/** Registry facts about a body (corpora/*.json sources, or the store's `bodies` table from a crawl). */
export interface RegistryFact {
  agency: string;
  level?: string | null;
  region_code?: string | null;
  parent?: string | null;
}

const SYSTEM = 'nianbao';
const isPerson = (source: string | null) => !!source?.startsWith('person:');
/** Registry levels name the tier of government (central/provincial/…); ours use `province`. */
const tier = (level: string): string => (level === 'provincial' ? 'province' : level);

/** A stable id: derived once from the first canonical name, kept when the name changes. */
export const bodyIdFor = (canonical: string): string =>
  `b${createHash('sha256').update(normalizeBodyName(canonical)).digest('hex').slice(0, 10)}`;

/** The body a printed name belongs to, created (with its parent governments) when new. */
export async function resolveBody(store: Store, printed: string, at: string): Promise<BodyRow> {
  const known = await store.bodyByName(printed);
  if (known) return known;
  const inf = inferBody(printed);
  const existing = await store.bodyByName(inf.canonical);
  if (existing) {
    await store.addBodyAlias(printed, existing.id, inf.aliasSource, at);
    return existing;
  }
  const parent = inf.parent && inf.parent !== inf.canonical ? await resolveBody(store, inf.parent, at) : null;
  let id = bodyIdFor(inf.canonical);
  for (let n = 2; await store.body(id); n++) id = `${bodyIdFor(inf.canonical)}-${n}`;
  await store.insertBody(
    {
      id,
      name: inf.canonical,
      level: inf.level,
      level_source: inf.sources.level,
      admin_level: inf.adminLevel,
      admin_level_source: inf.adminLevel ? inf.sources.level : null,
      region_code: inf.regionCode,
      region_source: inf.sources.region,
      parent_id: parent?.id ?? null,
      parent_source: parent ? inf.sources.parent : null,
    },
    at,
  );
  await store.addBodyAlias(inf.canonical, id, 'canonical', at);
  if (normalizeBodyName(printed) !== normalizeBodyName(inf.canonical))
    await store.addBodyAlias(printed, id, inf.aliasSource, at);
  await store.addBodyEvent({
    body_id: id,
    at,
    who: SYSTEM,
    action: 'created',
    detail_json: JSON.stringify({ printed, ...(inf.doubt ? { doubt: inf.doubt } : {}) }),
    note: null,
  });
  return (await store.body(id))!;
}

/** Apply registry facts: they replace inferences, never a person's decision. */
export async function applyRegistry(store: Store, facts: RegistryFact[], at: string): Promise<void> {
  for (const f of facts) {
    const body = await resolveBody(store, f.agency, at);
    const patch: Partial<BodyRow> = {};
    if (f.region_code && !isPerson(body.region_source) && body.region_code !== f.region_code)
      Object.assign(patch, { region_code: f.region_code, region_source: 'given' });
    if (body.region_code === f.region_code && body.region_source !== 'given' && !isPerson(body.region_source))
      Object.assign(patch, { region_source: 'given' });
    if (f.level && f.level !== 'central') {
      const t = tier(f.level);
      // A department's registry level is the tier of its government.
      if (body.level === 'department') {
        if (!isPerson(body.admin_level_source) && body.admin_level_source !== 'given')
          Object.assign(patch, { admin_level: t, admin_level_source: 'given' });
      } else if (!isPerson(body.level_source) && body.level_source !== 'given')
        Object.assign(patch, { level: t, level_source: 'given', admin_level: t, admin_level_source: 'given' });
    }
    if (f.parent && !isPerson(body.parent_source)) {
      const parent = await resolveBody(store, f.parent, at);
      if (parent.id !== body.id && (parent.id !== body.parent_id || body.parent_source !== 'given'))
        Object.assign(patch, { parent_id: parent.id, parent_source: 'given' });
    }
    if (Object.keys(patch).length) await store.updateBody(body.id, patch, at);
  }
}

/** The project's registries (corpora/*.json): the `given` facts every store starts from. */
export async function projectRegistry(dir = path.resolve(import.meta.dirname, '../../corpora')): Promise<Source[]> {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  const out: Source[] = [];
  for (const f of files.sort()) {
    try {
      out.push(...(await loadRegistry(path.join(dir, f))));
    } catch (e) {
      // A broken registry file must not stop an ingest: its facts are skipped, and said so.
      log.warn({ file: f, err: (e as Error).message }, 'registry skipped for body identities');
    }
  }
  return out;
}

/**
 * Bring body identities up to date: registry facts (the project's corpora and the store's crawl
 * registry), then every report without a body is linked. Returns the reports of parent governments
 * (same year) of the linked reports, whose R-1 check may now have its subordinate reports.
 */
export function ensureBodies(
  store: Store,
  opts: { at?: string; registry?: RegistryFact[]; reportIds?: Iterable<number> } = {},
): Promise<number[]> {
  return store.exclusive(BODIES_LOCK, () => linkBodies(store, opts));
}

async function linkBodies(
  store: Store,
  opts: { at?: string; registry?: RegistryFact[]; reportIds?: Iterable<number> },
): Promise<number[]> {
  const at = opts.at ?? new Date().toISOString();
  const facts: RegistryFact[] = [...(opts.registry ?? (await projectRegistry())), ...(await store.legacyBodies())];
  await applyRegistry(store, facts, at);
  const parents = new Set<number>();
  const wanted = opts.reportIds ? new Set(opts.reportIds) : null;
  for (const r of await store.reportsToLink()) {
    const body = await resolveBody(store, r.agency, at);
    await store.linkReport(r.id, body.id);
    if (wanted) wanted.add(r.id);
  }
  for (const id of wanted ?? []) {
    const rep = await store.report(id);
    if (!rep?.body_id || rep.report_year === null) continue;
    const body = await store.body(rep.body_id);
    if (!body?.parent_id) continue;
    for (const p of await store.reportsOfBody(body.parent_id)) if (p.report_year === rep.report_year) parents.add(p.id);
  }
  return [...parents];
}
