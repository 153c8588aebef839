// Choose the reader for a document by its content and return the one Document model.
import type { Document } from './document.ts';
import { decodeBytes } from './decode.ts';
import { readHtml } from './html.ts';
import { readText } from './text.ts';
import { sniffMedia } from './sniff.ts';

/** A document that cannot be read; `message` is one line naming the reason. */
export class ReadError extends Error {
  override name = 'ReadError';
}

export interface ReadOptions {
  /** File name or URL path, used only as a hint when content is ambiguous. */
  nameHint?: string;
  contentType?: string | null;
}

/** Inputs larger than this are refused rather than parsed (a report page is well under 1 MB). */
export const MAX_TEXT_BYTES = 20 * 1024 * 1024;

export function readDocument(bytes: Uint8Array, opts: ReadOptions = {}): Document {
  const media = sniffMedia(bytes, opts.nameHint ?? '');
  switch (media) {
    case 'empty':
      throw new ReadError('empty file');
    case 'binary':
      throw new ReadError('not a document: binary content that is neither text, HTML, PDF nor Word');
    case 'pdf':
    case 'zip':
    case 'ole':
    case 'image':
      throw new ReadError(`unsupported media: ${media} (PDF, Word and image readers are not built yet)`);
    default:
      break;
  }
  if (bytes.length > MAX_TEXT_BYTES) {
    throw new ReadError(`too large: ${(bytes.length / 1048576).toFixed(1)} MB of ${media} exceeds the ${MAX_TEXT_BYTES / 1048576} MB limit`);
  }
  if (media === 'html') {
    const { text, encoding } = decodeBytes(bytes, { contentType: opts.contentType, html: true });
    return readHtml(text, encoding);
  }
  const { text, encoding } = decodeBytes(bytes, { contentType: opts.contentType, html: false });
  return readText(text, encoding);
}
