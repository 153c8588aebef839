// Once per `vitest run`: a scratch folder shared by every test file (tests/helpers/corpus-store.ts keeps
// the corpus ingested once per dialect there), removed at the end with the databases made for it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { dropRunDatabases } from './corpus-store.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's scratch folder (see tests/helpers/corpus-store.ts). */
    runDir: string;
  }
}

export default function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), 'nianbao-run-'));
  project.provide('runDir', dir);
  return async () => {
    await dropRunDatabases(dir);
    rmSync(dir, { recursive: true, force: true });
  };
}
