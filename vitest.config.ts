import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import SlowestFirst from './tests/helpers/sequencer.ts';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The run's scratch folder: the corpus is ingested once per run and shared (tests/helpers/corpus-store.ts).
    globalSetup: ['tests/helpers/global-setup.ts'],
    // Vitest's default (one worker less than the cores) is a single worker on a 2-core CI machine, with
    // the second core idle while a file waits on a server, a child process or Postgres.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    sequence: { sequencer: SlowestFirst },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
