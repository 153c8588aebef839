// Extraction memoised by content, for tests that run one scenario on both store dialects: the slow
// reading (OCR, LibreOffice) is done once per document, the store half twice. Pass as `{ pool }`.
import { createHash } from 'node:crypto';
import type { ExtractionPool } from '../../src/isolate/pool.ts';
import { extractBytes } from '../../src/pipeline.ts';
import type { ReportRecord } from '../../src/record.ts';

type Input = Parameters<ExtractionPool['extract']>[1];

export function memoExtraction(): ExtractionPool {
  const done = new Map<string, Promise<ReportRecord>>();
  const extract = (bytes: Uint8Array, input: Input = {}) => {
    const key = `${createHash('sha256').update(bytes).digest('hex')} ${JSON.stringify(input)}`;
    let r = done.get(key);
    if (!r) done.set(key, (r = extractBytes(bytes, input)));
    // A copy each time: the store may keep or alter what it is given.
    return r.then((x) => structuredClone(x));
  };
  return { extract } as unknown as ExtractionPool;
}
