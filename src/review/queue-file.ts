// output/<store>.review-queue.jsonl: the open review items after every run, one per line.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Store } from '../store/store.ts';
import { withOutputErrors } from '../write-errors.ts';

export async function writeQueueFile(store: Store, file: string): Promise<number> {
  const items = await store.listItems({ status: 'open' });
  const lines = items.map((i) => {
    const { finding } = JSON.parse(i.finding_json) as { finding: unknown };
    return JSON.stringify({
      id: i.id,
      rule: i.rule,
      level: i.level,
      report_id: i.report_id,
      agency: i.agency,
      report_year: i.report_year,
      since: i.updated_at,
      finding,
    });
  });
  await withOutputErrors(file, () => {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, lines.length ? `${lines.join('\n')}\n` : '');
    renameSync(tmp, file); // readers never see a half-written queue
  });
  return items.length;
}
