// Bytes → text for HTML and plain text: BOM → HTTP charset → <meta> prescan → valid UTF-8 → gb18030.
// Every GBK-family label decodes as gb18030 (Node's 'gbk' decoder garbles 4-byte sequences).
import { isUtf8 as bufferIsUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

export interface Decoded {
  text: string;
  encoding: string;
}

const GBK_FAMILY = new Set([
  'gbk',
  'gb2312',
  'gb18030',
  'x-gbk',
  'cp936',
  'euc-cn',
  'csgb2312',
  'gb_2312-80',
  'chinese',
  'iso-ir-58',
  'windows-936',
]);

function canonical(label: string): string | null {
  const l = label
    .trim()
    .toLowerCase()
    .replace(/^["']|["']$/g, '');
  if (GBK_FAMILY.has(l)) return 'gb18030';
  if (l === 'utf-8' || l === 'utf8' || l === 'unicode-1-1-utf-8') return 'utf-8';
  if (l === 'big5' || l === 'big5-hkscs') return 'big5';
  if (iconv.encodingExists(l)) return l;
  return null;
}

const isUtf8 = (bytes: Uint8Array): boolean => bufferIsUtf8(bytes);

/** The charset a `<meta>` declares in the first 4 KB, if any. */
export function metaCharset(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.subarray(0, 4096)).toString('latin1');
  const m = /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head);
  return m?.[1] ?? null;
}

/** The charset parameter of a Content-Type header. */
export function headerCharset(contentType: string | null | undefined): string | null {
  const m = contentType ? /charset\s*=\s*["']?([\w.:-]+)/i.exec(contentType) : null;
  return m?.[1] ?? null;
}

function decodeAs(bytes: Uint8Array, enc: string): string {
  if (enc === 'utf-8') return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return iconv.decode(Buffer.from(bytes), enc);
}

/**
 * Decode bytes, trusting declarations only as far as the bytes allow: a UTF-8 declaration over
 * bytes that are not valid UTF-8 (a server default over a GBK file) is ignored.
 */
export function decodeBytes(bytes: Uint8Array, opts: { contentType?: string | null; html?: boolean } = {}): Decoded {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return { text: decodeAs(bytes.subarray(3), 'utf-8'), encoding: 'utf-8' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return { text: iconv.decode(Buffer.from(bytes.subarray(2)), 'utf-16le'), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return { text: iconv.decode(Buffer.from(bytes.subarray(2)), 'utf-16be'), encoding: 'utf-16be' };
  const valid = isUtf8(bytes);
  const declared = [headerCharset(opts.contentType), opts.html === false ? null : metaCharset(bytes)];
  for (const label of declared) {
    const enc = label ? canonical(label) : null;
    if (!enc) continue;
    if (enc === 'utf-8' && !valid) continue; // a wrong default: fall through to the next clue
    return { text: decodeAs(bytes, enc), encoding: enc };
  }
  if (valid) return { text: decodeAs(bytes, 'utf-8'), encoding: 'utf-8' };
  return { text: decodeAs(bytes, 'gb18030'), encoding: 'gb18030' };
}
