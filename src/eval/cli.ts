// `npm run eval -- DIR [--json] [--verbose]`: score the extractor on a corpus with gold files.
import { evaluateCorpus, totals, type ReportScore } from './evaluate.ts';

const args = process.argv.slice(2);
const dir = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--write-baseline') ?? '../shared/corpus';
const scores = await evaluateCorpus(dir);
const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(2)}%` : '—');

if (args.includes('--json')) {
  process.stdout.write(
    `${JSON.stringify({ totals: totals(scores), byMedia: byMedia(scores), reports: scores }, null, 2)}\n`,
  );
} else {
  const rows = scores.map((s) => [
    s.id,
    s.media,
    s.mode,
    s.error ? 'ERROR' : `${s.right}/${s.gold}`,
    `${s.rightNonZero}/${s.goldNonZero}`,
    String(s.wrong),
    String(s.missed),
    String(s.spurious),
    String(s.silent),
    s.fullyRight ? 'yes' : 'no',
    [s.error, ...s.metaErrors, ...s.publisherMissed.map((p) => `finding missing: ${p}`)].filter(Boolean).join('; '),
  ]);
  const head = [
    'report',
    'media',
    'mode',
    'cells',
    'non-zero',
    'wrong',
    'missed',
    'spurious',
    'silent',
    'all right',
    'notes',
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  if (args.includes('--verbose')) for (const s of scores) for (const d of s.details) console.log(`  ${s.id}: ${d}`);
  console.log('');
  const readable = scores.filter((s) => (s.media === 'html' || s.media === 'txt') && s.mode === 'exact' && s.gold > 0);
  for (const [media, t] of [
    ['all', totals(scores)] as const,
    ...Object.entries(byMedia(scores)),
    ['html+txt exact, with tables', totals(readable)] as const,
  ]) {
    console.log(
      `${media.padEnd(5)} reports ${t.reports}  cells right ${t.right}/${t.gold} (${pct(t.right, t.gold)})  non-zero right ${t.rightNonZero}/${t.goldNonZero} (${pct(t.rightNonZero, t.goldNonZero)})  fully right ${t.fullyRight}/${t.reports}  wrong ${t.wrong}  missed ${t.missed}  spurious ${t.spurious}  silent errors ${t.silent}  flagged values from meta-only copies ${t.unverifiable}  unreadable ${t.errors}`,
    );
  }
}

function byMedia(scores: ReportScore[]) {
  const groups: Record<string, ReportScore[]> = {};
  for (const s of scores) (groups[s.media] ??= []).push(s);
  return Object.fromEntries(Object.entries(groups).map(([m, list]) => [m, totals(list)]));
}

// `--write-baseline FILE`: record the current per-report level for the corpus ratchet test.
const bi = args.indexOf('--write-baseline');
if (bi >= 0) {
  const { writeFileSync } = await import('node:fs');
  const level = Object.fromEntries(
    scores.map((s) => [s.id, { right: s.right, rightNonZero: s.rightNonZero, fullyRight: s.fullyRight }]),
  );
  writeFileSync(args[bi + 1] ?? 'tests/corpus/baseline.json', `${JSON.stringify(level, null, 1)}\n`);
}
