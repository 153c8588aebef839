import { readFileSync } from 'node:fs';
import { readDocument } from './src/read/index.ts';
import { tokenize } from './src/extract/tokens.ts';
const doc = await readDocument(readFileSync(process.argv[2]!));
const toks = tokenize(doc);
const from = Number(process.argv[3] ?? 0), to = Number(process.argv[4] ?? 80);
for (const t of toks.slice(from, to)) console.log(t.kind.padEnd(6), t.rowEnd ? '|' : ' ', `p${t.origin.page} l${t.origin.line} x${t.origin.bbox ? Math.round(t.origin.bbox[0]) : '-'}`, JSON.stringify(t.text).slice(0, 60));
