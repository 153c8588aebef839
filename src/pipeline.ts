// Bytes → record: the read and extract stages joined, for the CLI, the store and the crawler.
import { createHash } from 'node:crypto';
import { readDocument, type ReadOptions } from './read/index.ts';
import { extractRecord } from './extract/index.ts';
import type { ReportRecord } from './record.ts';

export interface BytesInput extends ReadOptions {
  path?: string | null;
  url?: string | null;
}

/** Larger inputs are refused before reading them into memory. */
export const MAX_INPUT_BYTES = 60 * 1024 * 1024;

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Throws ReadError (one-line message) for input that cannot be read. */
export function extractBytes(bytes: Uint8Array, input: BytesInput = {}): ReportRecord {
  const doc = readDocument(bytes, { nameHint: input.nameHint ?? input.path ?? input.url ?? '', contentType: input.contentType ?? null });
  return extractRecord(doc, { path: input.path ?? null, url: input.url ?? null, sha256: sha256(bytes) });
}
