// Numeric options and arguments, checked where commander parses them: `--year abc` or `review show x`
// is one clear line and a non-zero exit, never a NaN that quietly matches nothing.
import { InvalidArgumentError } from 'commander';

export interface IntRange {
  min?: number;
  max?: number;
}

/** A commander argParser: a whole number within [min, max], else one line naming the option. */
export function parseIntOption(
  name: string,
  { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER }: IntRange = {},
) {
  const range =
    min > Number.MIN_SAFE_INTEGER && max < Number.MAX_SAFE_INTEGER
      ? ` from ${min} to ${max}`
      : min > Number.MIN_SAFE_INTEGER
        ? ` ≥ ${min}`
        : max < Number.MAX_SAFE_INTEGER
          ? ` ≤ ${max}`
          : '';
  return (value: string): number => {
    const text = value.trim();
    const n = /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be a whole number${range} (got ${JSON.stringify(value)})`);
    return n;
  };
}
