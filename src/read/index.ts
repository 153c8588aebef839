// Choose the reader for a document by its content (magic bytes, markup), not by its name, and
// return the one Document model.
import { LIMITS } from '../settings.ts';
import type { Document } from './document.ts';
import { decodeBytes } from './decode.ts';
import { readHtml } from './html.ts';
import { readText } from './text.ts';
import { sniffMedia } from './sniff.ts';
import { BudgetError } from './budget.ts';

/** A document that cannot be read; `message` is one line naming the reason. */
export class ReadError extends Error {
  override name = 'ReadError';
}

export interface ReadOptions {
  /** File name or URL path, used only as a hint when content is ambiguous. */
  nameHint?: string;
  contentType?: string | null;
}

/** HTML and text larger than this are refused rather than parsed (a report page is well under 1 MB). */
export const MAX_TEXT_BYTES = LIMITS.input.maxTextBytes;

function refuse(media: ReturnType<typeof sniffMedia>): never {
  switch (media) {
    case 'empty':
      throw new ReadError('empty file');
    case 'binary':
      throw new ReadError('not a document: binary content that is neither text, HTML, PDF nor Word');
    case 'image':
      throw new ReadError('unsupported media: a bare image (OCR of images is not available)');
    default:
      throw new ReadError(`unsupported media: ${media}`);
  }
}

/** HTML and plain text only, synchronously (the extractor's fast path and its tests). */
export function readTextDocument(bytes: Uint8Array, opts: ReadOptions = {}): Document {
  const media = sniffMedia(bytes, opts.nameHint ?? '');
  if (media !== 'html' && media !== 'txt') refuse(media);
  if (bytes.length > MAX_TEXT_BYTES) {
    throw new ReadError(
      `too large: ${(bytes.length / 1048576).toFixed(1)} MB of ${media} exceeds the ${MAX_TEXT_BYTES / 1048576} MB limit`,
    );
  }
  const { text, encoding } = decodeBytes(bytes, { contentType: opts.contentType, html: media === 'html' });
  return media === 'html' ? readHtml(text, encoding) : readText(text, encoding);
}

/** Every supported medium: HTML, text, PDF (text layer), DOCX, OFD, DOC/WPS (OLE). */
export async function readDocument(bytes: Uint8Array, opts: ReadOptions = {}): Promise<Document> {
  const media = sniffMedia(bytes, opts.nameHint ?? '');
  try {
    switch (media) {
      case 'pdf':
        return await (await import('./pdf.ts')).readPdf(bytes);
      case 'ofd':
        return (await import('./ofd.ts')).readOfd(bytes);
      case 'zip':
        return await (await import('./word.ts')).readDocx(bytes);
      case 'ole':
        return await (await import('./word.ts')).readDoc(bytes);
      default:
        return readTextDocument(bytes, opts);
    }
  } catch (e) {
    if (e instanceof ReadError || e instanceof BudgetError) throw e;
    throw new ReadError(
      `${media === 'zip' ? 'docx' : media === 'ole' ? 'doc' : media}: ${((e as Error).message ?? String(e)).split('\n')[0]}`,
    );
  }
}
