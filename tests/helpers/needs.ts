// Tests that need a fixture tool (a CJK font, poppler, LibreOffice, the OCR packages) or the real
// corpus: locally a missing one skips them with a printed notice; under CI=true it fails the run,
// so CI can never go green by skipping.
export const inCi = (env: NodeJS.ProcessEnv = process.env): boolean => env.CI === 'true' || env.CI === '1';

/** Whether the tests needing `what` may run; throws under CI when it is missing. */
export function needs(present: boolean, what: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (present) return true;
  if (inCi(env))
    throw new Error(`CI=true and ${what} is missing: the tests that need it must run in CI, not be skipped`);
  console.log(`notice: ${what} is missing; the tests that need it are skipped`);
  return false;
}
