// Child process for the migration race test: open (and so migrate) the store given, report the
// number of reports, close. Several of these start at once on one new store.
import { openStore } from '../../src/store/open.ts';

const store = await openStore(process.argv[2]!);
const n = await store.db
  .selectFrom('reports')
  .select((e) => e.fn.countAll<number>().as('n'))
  .executeTakeFirstOrThrow();
await store.close();
process.stdout.write(`${typeof n.n}:${n.n}\n`);
