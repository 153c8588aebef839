// The narrative sections the rules compare with the tables: 一、总体情况 and 六、其他需要报告的事项.
import type { Document } from '../read/document.ts';

export interface Narrative {
  overview: string | null;
  other: string | null;
}

const MAX_CHARS = 8000;
const OVERVIEW_START = /^一\s*[、.．]\s*(?:总体情况|概述|政府信息公开工作总体情况)/;
const OVERVIEW_END = /^二\s*[、.．]|^第二十条/;
const OTHER_START = /^六\s*[、.．]|^.{0,6}(?:其他需要报告的?事项|其他应说明事项|其他需说明的?事项).{0,4}$/;
const OTHER_END = /^七\s*[、.．]|^附件/;

function section(lines: string[], start: RegExp, end: RegExp): string | null {
  const i = lines.findIndex((l) => l.length < 40 && start.test(l));
  if (i < 0) return null;
  const out: string[] = [];
  for (let j = i + 1; j < lines.length && !end.test(lines[j]!); j++) out.push(lines[j]!);
  const text = out.join('\n').trim();
  return text ? text.slice(0, MAX_CHARS) : null;
}

export function extractNarrative(doc: Document): Narrative {
  const lines = doc.blocks.flatMap((b) => (b.type === 'paragraph' ? [b.text.normalize('NFKC').trim()] : []));
  return { overview: section(lines, OVERVIEW_START, OVERVIEW_END), other: section(lines, OTHER_START, OTHER_END) };
}
