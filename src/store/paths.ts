// Where results go by default (output/ is not committed), and which store commands use.
import path from 'node:path';

export const DEFAULT_DB = 'output/nianbao.db';

/** The store a command uses when --db is not given: $NIANBAO_DB, else output/nianbao.db. */
export const defaultDb = (): string => process.env.NIANBAO_DB || DEFAULT_DB;

const isUrl = (db: string) => /^postgres(?:ql)?:\/\//i.test(db);

/** The folder for files written beside a store: the SQLite file's folder, `output/` for a Postgres store. */
export const outputDirFor = (db: string): string =>
  isUrl(db) ? path.resolve('output') : path.dirname(path.resolve(db));

/**
 * The open review items are written beside the store, named after it, so two stores in one folder
 * keep their own queues: `output/nianbao.db` → `output/nianbao.review-queue.jsonl`. A Postgres store
 * has no folder: `postgres://…/name` → `output/name.review-queue.jsonl` under the working directory.
 */
export function queueFileFor(db: string): string {
  if (isUrl(db)) {
    let name = 'postgres';
    try {
      name = decodeURIComponent(new URL(db).pathname.replace(/^\//, '')) || 'postgres';
    } catch {}
    return path.join(outputDirFor(db), `${name.replace(/[^\w.-]+/g, '_')}.review-queue.jsonl`);
  }
  const file = path.resolve(db);
  const { dir, name, ext } = path.parse(file);
  return path.join(dir, `${ext ? name : path.basename(file)}.review-queue.jsonl`);
}
