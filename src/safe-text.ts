// Text from documents we do not control must never drive a terminal: metadata is cleaned on the way
// in (sanitizeText), and anything printed for a person is escaped on the way out (escapeControls).

/** Terminal escape sequences: CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \), other ESC + one char. */
const ESCAPE_SEQUENCE = new RegExp(
  [
    '\\u001b\\[[\\u0030-\\u003f]*[\\u0020-\\u002f]*[\\u0040-\\u007e]?', // CSI
    '\\u001b[\\]PX^_][^\\u0007\\u001b]*(?:\\u0007|\\u001b\\\\)?', // OSC, DCS, SOS, PM, APC strings
    '\\u009b[\\u0030-\\u003f]*[\\u0020-\\u002f]*[\\u0040-\\u007e]?', // 8-bit CSI
    '[\\u009d\\u0090\\u0098\\u009e\\u009f][^\\u0007\\u009c]*[\\u0007\\u009c]?', // 8-bit string commands
    '\\u001b[\\u0020-\\u007e]?', // any other escape
  ].join('|'),
  'g',
);

/**
 * Characters a terminal interprets rather than shows: C0 controls, DEL, C1 controls, and the bidi
 * overrides and isolates that reorder what a line appears to say.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const HAS_CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** One line of metadata (a title, an agency, an index number): escape sequences and controls removed, whitespace collapsed. */
export function sanitizeText(text: string): string {
  if (!HAS_CONTROL.test(text)) return text; // clean text is left exactly as extracted
  return text
    .replace(ESCAPE_SEQUENCE, '')
    .replace(/[\t\n\r\f\v]+/g, ' ')
    .replace(CONTROL, '')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** Every string field of a report's metadata through sanitizeText; a field left empty becomes null. */
export function sanitizeMetadata<T extends object>(report: T): T {
  const out = { ...report } as Record<string, unknown>;
  for (const [k, v] of Object.entries(out)) if (typeof v === 'string') out[k] = sanitizeText(v) || null;
  return out as T;
}

const hex = (c: string) => {
  const n = c.codePointAt(0)!;
  return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
};

/** For a terminal: every control character shown as a visible escape (\x1b, \x07, \u202e…), tabs and newlines included. */
export const escapeControls = (text: string): string => text.replace(CONTROL, hex);

/** JSON whose strings also escape DEL, C1 controls and bidi overrides (JSON.stringify leaves them raw): the same value, safe on a terminal. */
export const safeJson = (value: unknown, indent?: number): string =>
  JSON.stringify(value, null, indent).replace(
    /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
