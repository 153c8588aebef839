// Where results go by default (output/ is not committed).
import path from 'node:path';

export const DEFAULT_DB = 'output/nianbao.db';

/**
 * The open review items are written beside the store, named after it, so two stores in one folder
 * keep their own queues: `output/nianbao.db` → `output/nianbao.review-queue.jsonl`. A store given
 * as a URL (`postgres://…/name`) gets `output/name.review-queue.jsonl`.
 */
export function queueFileFor(db: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(db)) {
    const name = new URL(db).pathname.split('/').filter(Boolean).pop() ?? 'nianbao';
    return path.resolve(path.dirname(DEFAULT_DB), `${name.replace(/[^\w.-]+/g, '_')}.review-queue.jsonl`);
  }
  const file = path.resolve(db);
  const { dir, name, ext } = path.parse(file);
  return path.join(dir, `${ext ? name : path.basename(file)}.review-queue.jsonl`);
}
