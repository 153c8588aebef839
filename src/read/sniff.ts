// Media type by content (magic bytes and markup), not by file extension.
import type { Media } from '../record.ts';

export type Sniffed = Media | 'zip' | 'ole' | 'binary' | 'empty';

export function sniffMedia(bytes: Uint8Array, nameHint = ''): Sniffed {
  if (bytes.length === 0) return 'empty';
  const head = Buffer.from(bytes.subarray(0, 8));
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  // A ZIP is an OFD package when it holds OFD.xml (listed near the start), else Office Open XML.
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04)
    return Buffer.from(bytes.subarray(0, 4096)).toString('latin1').includes('OFD.xml') ? 'ofd' : 'zip';
  if (head.readUInt32BE(0) === 0xd0cf11e0 && bytes.length >= 8) return 'ole';
  if (
    (head[0] === 0xff && head[1] === 0xd8) ||
    head.subarray(1, 4).toString('latin1') === 'PNG' ||
    head.subarray(0, 4).toString('latin1') === 'GIF8'
  )
    return 'image';
  const sample = bytes.subarray(0, 8192);
  const utf16 = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
  if (!utf16) {
    let control = 0;
    for (const b of sample) if (b === 0 || b < 0x09 || (b > 0x0d && b < 0x20 && b !== 0x1b)) control++;
    if (control > sample.length * 0.01) return 'binary';
  }
  const text = Buffer.from(sample).toString('latin1');
  if (/<(?:!doctype\s+html|html|body|head|meta|table|tr|td|div|p|h[1-6]|span|br)\b[^>]*>/i.test(text)) {
    const tags = text.match(/<\/?[a-z][a-z0-9]*\b[^>]*>/gi)?.length ?? 0;
    if (tags >= 3 || /\.s?html?$/i.test(nameHint)) return 'html';
  }
  return 'txt';
}
