// `nianbao bodies list|show|merge|alias`: body identities, and a person's fixes to them.
import { userInfo } from 'node:os';
import { division } from '../bodies/divisions.ts';
import { aliasBody, findBody, mergeBody } from '../bodies/edit.ts';
import { ensureBodies } from '../bodies/resolve.ts';
import type { BodyRow, Store } from '../store/store.ts';
import { openStore } from '../store/open.ts';

const who = (w?: string) => w ?? process.env.NIANBAO_USER ?? userInfo().username;

async function withStore<T>(db: string, fn: (s: Store) => Promise<T>): Promise<T> {
  const store = await openStore(db, { mustExist: true });
  try {
    await ensureBodies(store);
    return await fn(store);
  } finally {
    await store.close();
  }
}

const field = (v: string | null, src: string | null) => (v ? `${v} (${src ?? '?'})` : '—');

export async function bodiesList(opts: { db: string; region?: string; json?: boolean }): Promise<number> {
  return withStore(opts.db, async (store) => {
    const bodies = (await store.allBodies()).filter((b) => !opts.region || b.region_code?.startsWith(opts.region));
    for (const b of bodies) {
      const n = (await store.reportsOfBody(b.id)).length;
      process.stdout.write(
        opts.json
          ? `${JSON.stringify({ ...b, reports: n })}\n`
          : `${b.id}\t${b.name}\t${b.level ?? '—'}\t${b.region_code ?? '—'}\t${n} reports\n`,
      );
    }
    return 0;
  });
}

export async function bodiesShow(id: string, opts: { db: string; json?: boolean }): Promise<number> {
  return withStore(opts.db, async (store) => {
    const b = await findBody(store, id);
    const aliases = await store.bodyAliases(b.id);
    const reports = await store.reportsOfBody(b.id);
    const events = await store.bodyEvents(b.id);
    const parent: BodyRow | null = b.parent_id ? await store.body(b.parent_id) : null;
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ body: b, aliases, reports, events }, null, 2)}\n`);
      return 0;
    }
    const region = b.region_code ? `${b.region_code} ${division(b.region_code)?.name ?? ''}` : null;
    process.stdout.write(
      [
        `${b.id}  ${b.name}`,
        `  level        ${field(b.level, b.level_source)}`,
        `  government   ${field(b.admin_level, b.admin_level_source)}`,
        `  region       ${field(region, b.region_source)}`,
        `  parent       ${field(parent ? `${parent.id} ${parent.name}` : null, b.parent_source)}`,
        `  aliases      ${aliases.map((a) => `${a.name} (${a.source})`).join('; ') || '—'}`,
        `  reports      ${reports.map((r) => `#${r.id} ${r.report_year ?? '?'}`).join(', ') || '—'}`,
        '  history',
        ...events.map((e) => `    ${e.at}  ${e.action} by ${e.who}  ${e.detail_json}${e.note ? ` — ${e.note}` : ''}`),
        '',
      ].join('\n'),
    );
    return 0;
  });
}

export async function bodiesMerge(
  from: string,
  into: string,
  opts: { db: string; note: string; who?: string },
): Promise<number> {
  return withStore(opts.db, async (store) => {
    const r = await mergeBody(store, from, into, who(opts.who), opts.note, new Date().toISOString());
    process.stdout.write(`merged ${r.from.id} ${r.from.name} into ${r.into.id} ${r.into.name}\n`);
    return 0;
  });
}

export async function bodiesAlias(
  name: string,
  body: string,
  opts: { db: string; note: string; who?: string },
): Promise<number> {
  return withStore(opts.db, async (store) => {
    const b = await aliasBody(store, name, body, who(opts.who), opts.note, new Date().toISOString());
    process.stdout.write(`${name} → ${b.id} ${b.name}\n`);
    return 0;
  });
}
