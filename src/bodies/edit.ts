// A person's fixes to body identities: merge two bodies, point a name at a body. Both are audited
// (who, when, why) and survive re-runs: lookups go through the alias table and follow merges.
import type { BodyRow, Store } from '../store/store.ts';

/** A body by id, or by any of its names. */
export async function findBody(store: Store, idOrName: string): Promise<BodyRow> {
  const b = (await store.body(idOrName)) ?? (await store.bodyByName(idOrName));
  if (!b) throw new Error(`no body ${idOrName} (give an id from \`nianbao bodies list\` or a known name)`);
  return b;
}

/** Body identities change under one lock across the store's processes (find-or-create spans statements). */
export const BODIES_LOCK = 'bodies';

export function mergeBody(
  store: Store,
  from: string,
  into: string,
  who: string,
  note: string,
  at: string,
): Promise<{ from: BodyRow; into: BodyRow }> {
  return store.exclusive(BODIES_LOCK, async () => {
    const a = await findBody(store, from);
    const b = await findBody(store, into);
    if (a.id === b.id) throw new Error(`${from} and ${into} are already one body (${a.id})`);
    await store.mergeBodies(a.id, b.id, {
      at,
      who,
      detail_json: JSON.stringify({ from: a.id, from_name: a.name, into: b.id, into_name: b.name }),
      note,
    });
    return { from: a, into: b };
  });
}

export function aliasBody(
  store: Store,
  name: string,
  to: string,
  who: string,
  note: string,
  at: string,
): Promise<BodyRow> {
  return store.exclusive(BODIES_LOCK, async () => {
    const b = await findBody(store, to);
    const before = await store.bodyByName(name);
    await store.addBodyAlias(name, b.id, `person:${who}`, at, true);
    await store.addBodyEvent({
      body_id: b.id,
      at,
      who,
      action: 'alias',
      detail_json: JSON.stringify({ name, was: before?.id ?? null }),
      note,
    });
    // Reports printed under that name follow it.
    for (const r of await store.reportsToLink(true))
      if (r.agency.normalize('NFKC').replace(/\s+/g, '') === name.normalize('NFKC').replace(/\s+/g, ''))
        await store.linkReport(r.id, b.id);
    return b;
  });
}
