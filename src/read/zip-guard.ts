// Refuse ZIP containers (DOCX, OFD) whose declared content would blow up memory: a ZIP bomb
// disguised as a Word file gets a clear error before any inflation.
import { Inflate } from 'fflate';
import { LIMITS } from '../settings.ts';
import { BudgetError } from './budget.ts';
export const MAX_UNZIPPED_BYTES = LIMITS.zip.maxUnzippedBytes;
export const MAX_ZIP_ENTRIES = LIMITS.zip.maxEntries;
export const MAX_RATIO = LIMITS.zip.maxRatio;

/** Sum the uncompressed sizes in the central directory; throws with a one-line reason when unsafe. */
export function checkZip(bytes: Uint8Array): void {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('corrupt or truncated ZIP container (no central directory)');
  const entries = buf.readUInt16LE(eocd + 10);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (entries > MAX_ZIP_ENTRIES)
    throw new Error(`ZIP container with ${entries} entries refused (limit ${MAX_ZIP_ENTRIES})`);
  let total = 0;
  let at = cdOffset;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > buf.length || buf.readUInt32LE(at) !== 0x02014b50) throw new Error('corrupt ZIP central directory');
    const compressed = buf.readUInt32LE(at + 20);
    const size = buf.readUInt32LE(at + 24);
    if (size === 0xffffffff || compressed === 0xffffffff)
      throw new Error('ZIP64 container refused (a report is never that large)');
    total += size;
    if (total > MAX_UNZIPPED_BYTES)
      throw new Error(
        `ZIP container would unpack to more than ${MAX_UNZIPPED_BYTES / 1048576} MB: refused (ZIP bomb?)`,
      );
    if (compressed > 0 && size / compressed > MAX_RATIO && size > 10 * 1024 * 1024)
      throw new Error(`ZIP entry compressed ${Math.round(size / compressed)}:1 refused (ZIP bomb?)`);
    at += 46 + buf.readUInt16LE(at + 28) + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
}

interface ZipEntry {
  name: string;
  method: number;
  compressed: number;
  declared: number;
  /** Offset of the entry's local header. */
  local: number;
}

function entriesOf(buf: Buffer): ZipEntry[] {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--)
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  if (eocd < 0) throw new Error('corrupt or truncated ZIP container (no central directory)');
  const out: ZipEntry[] = [];
  let at = buf.readUInt32LE(eocd + 16);
  for (let n = buf.readUInt16LE(eocd + 10); n > 0; n--) {
    if (at + 46 > buf.length || buf.readUInt32LE(at) !== 0x02014b50) throw new Error('corrupt ZIP central directory');
    const nameLen = buf.readUInt16LE(at + 28);
    const utf8 = (buf.readUInt16LE(at + 8) & 0x800) !== 0;
    out.push({
      name: buf.toString(utf8 ? 'utf8' : 'latin1', at + 46, at + 46 + nameLen),
      method: buf.readUInt16LE(at + 10),
      compressed: buf.readUInt32LE(at + 20),
      declared: buf.readUInt32LE(at + 24),
      local: buf.readUInt32LE(at + 42),
    });
    at += 46 + nameLen + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  return out;
}

/** Compressed input is fed this much at a time, so one step inflates to at most ~1000× it. */
const FEED = 16 * 1024;

/**
 * Inflate every entry while counting what comes out, whatever the headers claim: an entry that grows
 * beyond its declared size, or a container beyond the unpacked budget, stops at once with a
 * BudgetError. `keep` returns the contents (OFD reads them); otherwise they are only measured (DOCX:
 * mammoth inflates again, now known to be bounded). A stream that is merely corrupt is left to the
 * reader (`corrupt` lists such entries) so its own error message stays.
 */
export function inflateBounded(
  bytes: Uint8Array,
  keep: boolean,
  budget = MAX_UNZIPPED_BYTES,
): { files: Record<string, Uint8Array>; corrupt: string[] } {
  checkZip(bytes);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const files: Record<string, Uint8Array> = {};
  const corrupt: string[] = [];
  let total = 0;
  for (const e of entriesOf(buf)) {
    if (e.local + 30 > buf.length || buf.readUInt32LE(e.local) !== 0x04034b50) {
      corrupt.push(e.name);
      continue;
    }
    const start = e.local + 30 + buf.readUInt16LE(e.local + 26) + buf.readUInt16LE(e.local + 28);
    const data = bytes.subarray(start, Math.min(bytes.length, start + e.compressed));
    const chunks: Uint8Array[] = [];
    let size = 0;
    const take = (chunk: Uint8Array) => {
      size += chunk.length;
      total += chunk.length;
      if (size > e.declared)
        throw new BudgetError(
          `ZIP entry ${e.name} inflates beyond the ${e.declared} bytes its header declares (ZIP bomb?)`,
        );
      if (total > budget)
        throw new BudgetError(`ZIP container inflates to more than ${budget / 1048576} MB (ZIP bomb?)`);
      if (keep) chunks.push(chunk);
    };
    if (e.method === 0) take(data);
    else if (e.method === 8) {
      const inflater = new Inflate((chunk) => take(chunk));
      try {
        for (let i = 0; i < data.length; i += FEED) inflater.push(data.subarray(i, i + FEED), i + FEED >= data.length);
        if (!data.length) inflater.push(new Uint8Array(0), true);
      } catch (err) {
        if (err instanceof BudgetError) throw err;
        corrupt.push(e.name);
        continue;
      }
    } else {
      corrupt.push(e.name);
      continue;
    }
    if (keep) files[e.name] = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  }
  return { files, corrupt };
}
