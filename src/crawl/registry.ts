// Source registries (corpora/*.json): which government report columns to collect.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

const HttpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL');

export const Source = z
  .object({
    id: z
      .string()
      .min(1)
      .regex(/^[\w.-]+$/, 'letters, digits, _ . - only'),
    agency: z.string().min(1),
    entry: z.array(HttpUrl).min(1),
    level: z.enum(['central', 'provincial', 'prefecture', 'county', 'township']).optional(),
    region_code: z
      .string()
      .regex(/^\d{6}$/)
      .optional(),
    /** The government this body belongs to (for R-1: aggregate vs subordinate reports). */
    parent: z.string().optional(),
    /** Extra hints: substrings a report link's URL or title must contain, or paths to stay under. */
    hints: z
      .object({
        report_url: z.array(z.string()).optional(),
        report_title: z.array(z.string()).optional(),
        scope: z.array(z.string()).optional(),
      })
      .optional(),
  })
  .strict();
export type Source = z.infer<typeof Source>;

export const Registry = z
  .union([z.array(Source), z.object({ sources: z.array(Source), note: z.string().optional() }).strict()])
  .transform((r) => (Array.isArray(r) ? r : r.sources))
  .refine((list) => new Set(list.map((s) => s.id)).size === list.length, 'source ids must be unique');

export async function loadRegistry(file: string): Promise<Source[]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new Error(
      `${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not JSON: ${(e as Error).message}`}`,
    );
  }
  const parsed = Registry.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(
      `${file}: ${issue.path.join('.') || '(top)'}: ${issue.message}${parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : ''}`,
    );
  }
  return parsed.data;
}
