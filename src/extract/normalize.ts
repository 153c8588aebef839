// Label normalisation: the one place where printed label variants become comparable text.
import * as OpenCC from 'opencc-js';
import { DROP_CHARS, PHRASE_FIXES, TEXT_PHRASE_FIXES, TYPO_FIXES } from '../../parsers/labels.ts';

const toSimplified = OpenCC.Converter({ from: 'tw', to: 'cn' });
const cache = new Map<string, string>();

/** NFKC, no whitespace or quotes, simplified characters, known typos fixed, "1、" → "1.". */
export function normalizeLabel(text: string): string {
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  let s = text
    .normalize('NFKC')
    .replace(/[\s\u00a0\u3000\u200b\ufeff]+/g, '')
    .replace(DROP_CHARS, '');
  const simplified = toSimplified(s);
  if (simplified !== s) {
    s = simplified;
    for (const [from, to] of PHRASE_FIXES) s = s.replaceAll(from, to);
  }
  for (const [from, to] of TYPO_FIXES) s = s.replaceAll(from, to);
  s = s
    .replace(/(\d)[、,，]/g, '$1.')
    .replace(/[，]/g, ',')
    .replace(/[：]/g, ':');
  if (cache.size > 50_000) cache.clear();
  cache.set(text, s);
  return s;
}

const textCache = new Map<string, string>();

/**
 * Traditional → simplified for running text (titles, bylines, section 六): the same converter and
 * phrase fixes as labels, so 審計局 and 資訊公開 read like 审计局 and 信息公开 everywhere.
 */
export function simplifiedText(text: string): string {
  const hit = textCache.get(text);
  if (hit !== undefined) return hit;
  let s = toSimplified(text);
  // Not the label fixes: 档案 → 文件 is right for a table label, wrong for 档案局.
  if (s !== text) for (const [from, to] of TEXT_PHRASE_FIXES) s = s.replaceAll(from, to);
  if (textCache.size > 5_000) textCache.clear();
  textCache.set(text, s);
  return s;
}

/** NFKC and whitespace folded to single spaces (line breaks kept), for titles and prose. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[^\S\n]+|[\u200b\ufeff]+/g, ' ')
    .trim();
}
