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
 * The open review items are written beside the store after every run. A Postgres store has no
 * folder: its queue goes to output/review-queue.<database>.jsonl under the working directory.
 */
export const queueFileFor = (db: string): string => {
  if (!isUrl(db)) return path.join(outputDirFor(db), 'review-queue.jsonl');
  let name = 'postgres';
  try {
    name = decodeURIComponent(new URL(db).pathname.replace(/^\//, '')) || 'postgres';
  } catch {}
  return path.join(outputDirFor(db), `review-queue.${name.replace(/[^\w.-]/g, '_')}.jsonl`);
};
