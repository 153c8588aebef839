// A Postgres store outlives its connections: the server may end an idle one (a restart, a timeout, an
// administrator). The pool drops it and the next query opens another; nothing is thrown into the
// process (an unhandled pool error would end `serve` or a worker).
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.ts';
import { describeStores } from '../helpers/stores.ts';

describeStores('an idle connection ended by the server', (stores) => {
  let store: Store | undefined;
  afterEach(async () => store?.close());

  it('is replaced; the store keeps answering', async () => {
    const target = await stores.fresh();
    store = await stores.open(target);
    expect((await store.allReports()).length).toBe(0);
    if (stores.kind === 'postgres') {
      // End every other session on this database, as a restart or an idle timeout would.
      const admin = new pg.Client({ connectionString: target });
      await admin.connect();
      try {
        const ended = await admin.query(
          'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
        );
        expect(ended.rowCount).toBeGreaterThan(0);
      } finally {
        await admin.end();
      }
      await new Promise((r) => setTimeout(r, 200)); // the pool hears of it
    }
    expect((await store.allReports()).length).toBe(0);
  });
});
