// The order test files start in. With a few workers, a long file that starts last runs alone at the
// end; vitest orders by the durations it cached on an earlier run, but a clean clone (CI) has none and
// falls back to file size, which says little here. So without a cache, the files a full run measured
// as slowest start first (seconds of a serial run, rounded; a stale figure only changes the order).
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const MEASURED_S: Record<string, number> = {
  'tests/ingest/crash.test.ts': 190,
  'tests/corpus/e2e.test.ts': 150,
  'tests/export/cli.test.ts': 45,
  'tests/crawl/scheduler.test.ts': 33,
  'tests/hostile/batch.test.ts': 28,
  'tests/fleet/fleet-crawl.test.ts': 27,
  'tests/fleet/fleet-schedule.test.ts': 23,
  'tests/crawl/failures.test.ts': 20,
  'tests/perturb/scan-dpi.test.ts': 20,
  'tests/extract/roundtrip.property.test.ts': 20,
  'tests/ingest/scan-order.test.ts': 19,
  'tests/cli/output.test.ts': 17,
  'tests/fleet/queue.test.ts': 17,
  'tests/extract/scan.test.ts': 17,
  'tests/hostile/fuzz.test.ts': 14,
  'tests/store/open.test.ts': 13,
  'tests/fleet/extract-job.test.ts': 13,
  'tests/crawl/crawl.test.ts': 13,
  'tests/web/desk.browser.test.ts': 12,
  'tests/hostile/pool.test.ts': 11,
};

export default class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const root = this.ctx.config.root;
    const key = (f: TestSpecification) => path.relative(root, f.moduleId).split(path.sep).join('/');
    // Every file timed by vitest on this machine before: its own order is better informed.
    if (sorted.every((f) => this.ctx.cache.getFileTestResults(`${f.project.name}:${key(f)}`))) return sorted;
    const rank = new Map(sorted.map((f, i) => [f, i]));
    return sorted.sort((a, b) => (MEASURED_S[key(b)] ?? 0) - (MEASURED_S[key(a)] ?? 0) || rank.get(a)! - rank.get(b)!);
  }
}
