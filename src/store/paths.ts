// Where results go by default (output/ is not committed).
import path from 'node:path';

export const DEFAULT_DB = 'output/nianbao.db';

/** The open review items are written beside the store after every run. */
export const queueFileFor = (db: string): string => path.join(path.dirname(path.resolve(db)), 'review-queue.jsonl');
