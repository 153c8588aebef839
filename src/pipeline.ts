// Bytes → record: the read and extract stages joined, for the CLI, the store and the crawler.
import { LIMITS } from './settings.ts';
import { createHash } from 'node:crypto';
import { readDocument, readTextDocument, type ReadOptions } from './read/index.ts';
import { extractRecord } from './extract/index.ts';
import type { ReportRecord } from './record.ts';

export interface BytesInput extends ReadOptions {
  path?: string | null;
  url?: string | null;
}

/** Larger inputs are refused before reading them into memory. */
export const MAX_INPUT_BYTES = LIMITS.input.maxBytes;

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

const readOptions = (input: BytesInput): ReadOptions => ({
  nameHint: input.nameHint ?? input.path ?? input.url ?? '',
  contentType: input.contentType ?? null,
});
const sourceOf = (bytes: Uint8Array, input: BytesInput) => ({
  path: input.path ?? null,
  url: input.url ?? null,
  sha256: sha256(bytes),
});

/** Any supported medium. Throws ReadError (one-line message) for input that cannot be read. */
export async function extractBytes(bytes: Uint8Array, input: BytesInput = {}): Promise<ReportRecord> {
  return extractRecord(await readDocument(bytes, readOptions(input)), sourceOf(bytes, input));
}

/** HTML and text only, synchronously: the fast path for benchmarks and property tests. */
export function extractTextBytes(bytes: Uint8Array, input: BytesInput = {}): ReportRecord {
  return extractRecord(readTextDocument(bytes, readOptions(input)), sourceOf(bytes, input));
}
