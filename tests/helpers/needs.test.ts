// CI cannot go green by skipping: a missing fixture tool or corpus fails under CI=true.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { needs } from './needs.ts';

describe('needs', () => {
  it('present: runs, locally and in CI', () => {
    expect(needs(true, 'x', {})).toBe(true);
    expect(needs(true, 'x', { CI: 'true' })).toBe(true);
  });
  it('missing: skips locally, throws under CI=true', () => {
    expect(needs(false, 'soffice', {})).toBe(false);
    expect(() => needs(false, 'soffice', { CI: 'true' })).toThrow(/CI=true and soffice is missing/);
  });
  it('the corpus ratchet fails (not skips) under CI=true when the corpus is absent', async () => {
    const vitest = path.resolve('node_modules/vitest/vitest.mjs');
    const run = promisify(execFile)(process.execPath, [vitest, 'run', 'tests/corpus/ratchet.test.ts'], {
      env: { ...process.env, CI: 'true', NIANBAO_CORPUS: '/nonexistent/corpus' },
    });
    await expect(run).rejects.toMatchObject({ code: 1 });
  }, 60_000);
});
