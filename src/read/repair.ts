// Text layers that lie. A non-embedded 宋体 declared WinAnsi over GBK bytes shows latin-1 mojibake
// ("±±¶·ÐÇ" for 北斗星): re-encoding the glyphs as bytes and decoding them as gb18030 recovers it.
// Fonts without ToUnicode give private-use or replacement characters: nothing to recover.
import iconv from 'iconv-lite';

const CJK = /[\u3400-\u9fff]/;
const LATIN_HIGH =
  /[\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]/;

/** Bytes behind WinAnsi / latin-1 glyphs, or null when a character is neither. */
function winAnsiBytes(text: string): Buffer | null {
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    if (c < 0x100) out.push(c);
    else {
      const b = iconv.encode(ch, 'windows-1252');
      if (b.length !== 1 || b[0] === 0x3f) return null;
      out.push(b[0]!);
    }
  }
  return Buffer.from(out);
}

/** The GBK reading of a mojibake run, or null when it does not decode cleanly into Chinese. */
export function repairMojibake(text: string): string | null {
  if (CJK.test(text) || !LATIN_HIGH.test(text)) return null;
  const bytes = winAnsiBytes(text);
  if (!bytes) return null;
  const decoded = iconv.decode(bytes, 'gb18030');
  return CJK.test(decoded) && !decoded.includes('\ufffd') ? decoded : null;
}

/** Share of characters that no reader could show as text (private use, replacement, controls). */
export function garbageShare(texts: string[]): number {
  let bad = 0;
  let all = 0;
  for (const t of texts) {
    for (const ch of t.replace(/\s/g, '')) {
      all++;
      if (/[\ue000-\uf8ff\ufffd\u0000-\u0008\u000e-\u001f]/.test(ch)) bad++;
    }
  }
  return all ? bad / all : 0;
}
