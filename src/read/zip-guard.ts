// Refuse ZIP containers (DOCX, OFD) whose declared content would blow up memory: a ZIP bomb
// disguised as a Word file gets a clear error before any inflation.
import { LIMITS } from '../settings.ts';
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
