// Word documents → Document. DOCX goes through mammoth to HTML (tables keep colspan/rowspan) and
// then the HTML reader; legacy .doc (OLE) goes through word-extractor to tab-separated text.
import mammoth from 'mammoth';
import type { Document } from './document.ts';
import { readHtml } from './html.ts';
import { readText } from './text.ts';
import { inflateBounded } from './zip-guard.ts';

export async function readDocx(bytes: Uint8Array): Promise<Document> {
  inflateBounded(bytes, false);
  const { value: html, messages } = await mammoth.convertToHtml({ buffer: Buffer.from(bytes) });
  const doc = readHtml(html, null);
  const errors = messages.filter((m) => m.type === 'error');
  return { ...doc, media: 'docx', warnings: errors.map((m) => `docx: ${m.message}`) };
}

export async function readDoc(bytes: Uint8Array): Promise<Document> {
  const { default: WordExtractor } = await import('word-extractor');
  const extracted = await new WordExtractor().extract(Buffer.from(bytes));
  // Cells end in a tab; in merged-cell tables the row ends vanish, which the token stream tolerates.
  const text = extracted.getBody().replace(/\r/g, '\n');
  const doc = readText(text, null);
  return { ...doc, media: 'doc' };
}
