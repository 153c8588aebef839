// Fuzzing every reader (HTML, text, PDF, DOCX, DOC, OFD) through the extraction pool with a tight
// per-case budget (512 MB of heap, 30 s): a mutated document may be read or refused in one line, but
// it may never exhaust the budget, crash its process or print a multi-line error. Seeds are rendered
// by the project's own fixture renderers; mutations are byte-level (flips, cuts, repeats, inserts) and,
// for ZIP containers, also inside the entries before re-zipping (so the XML parsers see them).
import fc from 'fast-check';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { PLAIN } from '../../src/demo/layout.ts';
import { miniPdf } from '../../src/demo/minipdf.ts';
import { renderHtml, renderTabText } from '../../src/demo/render.ts';
import { ExtractionFailed, ExtractionPool } from '../../src/isolate/pool.ts';
import { ReportRecord } from '../../src/record.ts';
import { renderDocx } from '../render/docx.ts';
import { renderOfd } from '../render/ofd.ts';
import { hasCjkFont, renderPdf } from '../render/pdf.ts';
import { goodReport } from './files.ts';

const BUDGET = { memoryMb: 512, timeoutS: 30 };
const pool = new ExtractionPool(1, BUDGET);
afterAll(() => pool.close());

/** What a blown budget or a crash looks like: never acceptable for a fuzz case. */
const BLOWN =
  /^(too slow: still reading|too large: reading it took more than|the reader crashed|the extraction process)/;

type Mutation =
  | { op: 'flip'; at: number; byte: number }
  | { op: 'cut'; at: number }
  | { op: 'repeat'; at: number; len: number; times: number }
  | { op: 'insert'; at: number; bytes: Uint8Array };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('repeat' as const),
    at: fc.nat(),
    len: fc.integer({ min: 1, max: 400 }),
    times: fc.integer({ min: 1, max: 200 }),
  }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }),
  }),
);

function mutate(seed: Uint8Array, ms: Mutation[]): Uint8Array {
  let b = Buffer.from(seed);
  for (const m of ms) {
    if (!b.length) break;
    const at = m.at % b.length;
    if (m.op === 'flip') b[at] = m.byte;
    else if (m.op === 'cut') b = b.subarray(0, at);
    else if (m.op === 'repeat') {
      const piece = b.subarray(at, at + m.len);
      b = Buffer.concat([b.subarray(0, at), ...Array.from({ length: m.times }, () => piece), b.subarray(at)]);
    } else b = Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
  }
  return b;
}

/** Mutate the entries of a ZIP container (as text where they are XML) and zip them again. */
function mutateEntries(seed: Uint8Array, ms: Mutation[], pick: number): Uint8Array {
  const files = unzipSync(seed);
  const names = Object.keys(files).sort();
  const name = names[pick % names.length]!;
  files[name] = strToU8(strFromU8(mutate(files[name]!, ms)));
  return zipSync(files);
}

async function outcome(bytes: Uint8Array, name: string): Promise<{ ok: boolean; message?: string; ms: number }> {
  const t = performance.now();
  try {
    const rec = await pool.extract(bytes, { path: name });
    ReportRecord.parse(rec);
    return { ok: true, ms: performance.now() - t };
  } catch (e) {
    expect(e).toBeInstanceOf(ExtractionFailed);
    return { ok: false, message: (e as Error).message, ms: performance.now() - t };
  }
}

const checkOutcome = (o: { ok: boolean; message?: string; ms: number }) => {
  if (!o.ok) {
    expect(o.message).toBeTruthy();
    expect(o.message).not.toMatch(BLOWN);
    expect(o.message).not.toContain('\n');
  }
  expect(o.ms).toBeLessThan(BUDGET.timeoutS * 1000);
};

const report = goodReport('模糊测试局', 2022);
const seeds = {
  html: async () => renderHtml(report, PLAIN),
  txt: async () => new TextEncoder().encode(renderTabText(report, PLAIN)),
  pdf: async () => (hasCjkFont() ? renderPdf(report) : miniPdf(['2022 annual report', 'table 1 2 3'])),
  docx: async () => renderDocx(report, PLAIN),
  ofd: async () => renderOfd(report),
  // An OLE (Compound File) header over junk: word-extractor's container parsing is what is fuzzed.
  doc: async () => {
    const b = Buffer.alloc(4096, 0);
    Buffer.from('d0cf11e0a1b11ae1', 'hex').copy(b);
    b.writeUInt16LE(0x3e, 24);
    b.writeUInt16LE(3, 26);
    b.writeUInt16LE(0xfffe, 28);
    b.writeUInt16LE(9, 30);
    b.writeUInt16LE(6, 32);
    return b;
  },
};

const RUNS = Number(process.env.NIANBAO_FUZZ_RUNS ?? 30);

describe('fuzzing every reader inside a per-case budget', () => {
  for (const [media, seed] of Object.entries(seeds)) {
    it(`${media}: mutated bytes are read or refused in one line, within the budget`, async () => {
      const bytes = await seed();
      const name = `fuzz.${media}`;
      // The unmutated seed reads (the mutations start from something real).
      if (media !== 'doc') expect((await outcome(bytes, name)).ok).toBe(true);
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (ms) => {
          checkOutcome(await outcome(mutate(bytes, ms), name));
        }),
        { numRuns: RUNS },
      );
    }, 300_000);
  }

  for (const media of ['docx', 'ofd'] as const) {
    it(`${media}: mutated XML inside a well-formed container is read or refused in one line`, async () => {
      const bytes = await seeds[media]();
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.nat(), async (ms, pick) => {
          checkOutcome(await outcome(mutateEntries(bytes, ms, pick), `fuzz.${media}`));
        }),
        { numRuns: RUNS },
      );
    }, 300_000);
  }
});
