import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeBytes } from '../../src/read/decode.ts';
import { sniffMedia } from '../../src/read/sniff.ts';

const TEXT = '信阳市司法局2024年政府信息公开工作年度报告';

describe('decodeBytes', () => {
  it('GBK with the charset only in <meta>', () => {
    const bytes = iconv.encode(`<html><head><meta charset="gbk"></head><body><p>${TEXT}</p></body></html>`, 'gbk');
    const d = decodeBytes(bytes, { html: true });
    expect(d.encoding).toBe('gb18030');
    expect(d.text).toContain(TEXT);
  });

  it('ignores a wrong UTF-8 HTTP header over GBK bytes', () => {
    const bytes = iconv.encode(
      `<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>${TEXT}</body></html>`,
      'gbk',
    );
    const d = decodeBytes(bytes, { contentType: 'text/html; charset=utf-8', html: true });
    expect(d.encoding).toBe('gb18030');
    expect(d.text).toContain(TEXT);
  });

  it('a wrong UTF-8 <meta> over GBK bytes falls back to gb18030', () => {
    const bytes = iconv.encode(`<meta charset="utf-8"><p>${TEXT}</p>`, 'gbk');
    expect(decodeBytes(bytes, { html: true }).text).toContain(TEXT);
  });

  it('GB18030 four-byte characters survive (declared as GBK)', () => {
    const rare = '𠀀𪚥㐀'; // outside the GBK two-byte range
    const bytes = iconv.encode(`<meta charset="GBK">${rare}${TEXT}`, 'gb18030');
    const d = decodeBytes(bytes, { html: true });
    expect(d.text).toContain(rare);
    expect(d.text).not.toContain('\uf8f5');
  });

  it('undeclared text: valid UTF-8 stays UTF-8, anything else is gb18030', () => {
    expect(decodeBytes(new TextEncoder().encode(TEXT), { html: false })).toEqual({ text: TEXT, encoding: 'utf-8' });
    expect(decodeBytes(iconv.encode(TEXT, 'gb18030'), { html: false })).toEqual({ text: TEXT, encoding: 'gb18030' });
  });

  it('a UTF-8 BOM wins over declarations', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`<meta charset="gbk">${TEXT}`)]);
    expect(decodeBytes(bytes, { html: true }).text).toContain(TEXT);
  });
});

describe('sniffMedia (by content, not extension)', () => {
  it('recognises PDFs, zips, OLE, HTML without an extension, text, binary and empty input', () => {
    expect(sniffMedia(Buffer.from('%PDF-1.7\n'), 'x.html')).toBe('pdf');
    expect(sniffMedia(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]), 'x.txt')).toBe('zip');
    expect(sniffMedia(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), 'x.doc')).toBe('ole');
    expect(sniffMedia(Buffer.from('<html><body><table><tr><td>1</td></tr></table></body></html>'), 'report.txt')).toBe(
      'html',
    );
    expect(sniffMedia(Buffer.from(TEXT), 'report.html')).toBe('txt');
    expect(sniffMedia(Buffer.from([0, 1, 2, 3, 200, 0, 7, 8, 9, 0]), 'x.html')).toBe('binary');
    expect(sniffMedia(new Uint8Array(0))).toBe('empty');
  });
});
