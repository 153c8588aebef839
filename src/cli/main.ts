// The `nianbao` command: thin wiring from arguments to the stages.
// Command modules load on use: `review list` should not pay for the extractor's dictionaries.
import { Command } from 'commander';

import { PARSER_VERSION } from '../../parsers/index.ts';
import { DEFAULT_DB } from '../store/paths.ts';

const runExtract = async (...a: Parameters<typeof import('./extract.ts').runExtract>) =>
  (await import('./extract.ts')).runExtract(...a);
const runIngest = async (...a: Parameters<typeof import('./ingest.ts').runIngest>) =>
  (await import('./ingest.ts')).runIngest(...a);
const runExport = async (...a: Parameters<typeof import('./export.ts').runExport>) =>
  (await import('./export.ts')).runExport(...a);
const review = () => import('./review.ts');
const crawlCli = () => import('./crawl.ts');

const program = new Command('nianbao')
  .description('Collect, extract, check and review OGI annual reports (政府信息公开工作年度报告)')
  .version(PARSER_VERSION);

/** Run a command; any error becomes one line on stderr and exit status 2. */
const act =
  <A extends unknown[]>(fn: (...args: A) => Promise<number>) =>
  async (...args: A) => {
    try {
      process.exitCode = await fn(...args);
    } catch (e) {
      process.stderr.write(`nianbao: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}\n`);
      process.exitCode = 2;
    }
  };
const dbOption = ['--db <path>', 'the store (SQLite file)', DEFAULT_DB] as const;

program
  .command('extract')
  .description('print one JSON record per input file (JSON Lines) on stdout')
  .argument('<files...>', 'HTML or text reports')
  .option('--pretty', 'indent the JSON (one record spans several lines)')
  .action(act((files: string[], opts: { pretty?: boolean }) => runExtract(files, opts)));

program
  .command('ingest')
  .description(
    'extract, store and check reports (files or folders, recursive); writes review-queue.jsonl beside the store',
  )
  .argument('<paths...>')
  .option(...dbOption)
  .option('--jobs <n>', 'documents extracted at once, each in its own child process (default 1)')
  .action(act((paths: string[], opts: { db: string; jobs?: string }) => runIngest(paths, opts)));

const reviewCmd = program.command('review').description('the review queue: list, show, decide, correct');
reviewCmd
  .command('list')
  .option('--rule <id>')
  .option('--agency <name>')
  .option('--year <year>')
  .option('--status <status>', 'open | decided | resolved | all', 'open')
  .option('--json', 'JSON output')
  .option(...dbOption)
  .action(act(async (opts) => (await review()).reviewList(opts)));
reviewCmd
  .command('show')
  .argument('<id>')
  .option('--json')
  .option(...dbOption)
  .action(
    act(async (id: string, opts: { db: string; json?: boolean }) => (await review()).reviewShow(Number(id), opts)),
  );
reviewCmd
  .command('decide')
  .argument('<id>')
  .requiredOption('--as <decision>', 'publisher-error | extraction-error | false-alarm')
  .option('--note <text>')
  .option('--who <name>', 'the reviewer (default: $NIANBAO_USER or the login name)')
  .option(...dbOption)
  .action(
    act(async (id: string, opts: { db: string; as: string; note?: string; who?: string }) =>
      (await review()).reviewDecide(Number(id), opts),
    ),
  );
reviewCmd
  .command('correct')
  .description('audited override of one cell: REPORT (id or "agency|year") TABLE ROW COL VALUE')
  .arguments('<report> <table> <row> <col> <value>')
  .requiredOption('--note <text>', 'why')
  .option('--who <name>')
  .option(...dbOption)
  .action(
    act(
      async (
        report: string,
        table: string,
        row: string,
        col: string,
        value: string,
        opts: { db: string; note: string; who?: string },
      ) => (await review()).reviewCorrect(report, table, row, col, value, opts),
    ),
  );

program
  .command('export')
  .description('effective cells in long form (CSV with a header row, or JSON Lines)')
  .option('--format <format>', 'csv | jsonl', 'csv')
  .option('--out <file>', 'write here instead of stdout')
  .option(...dbOption)
  .action(act((opts: { db: string; format: string; out?: string }) => runExport(opts)));

const crawlOpts = (c: Command) =>
  c
    .requiredOption('--sources <file>', 'a source registry (JSON), e.g. corpora/starter.json')
    .option('--max-requests <n>', 'stop after this many requests (a later run resumes)')
    .option(
      '--delay <ms>',
      'minimum delay between requests to one host (default 1000; robots.txt Crawl-delay can raise it)',
    )
    .option('--allow-loopback', 'allow 127.0.0.1 / ::1 targets (tests, the demo); private ranges are always refused')
    .option(...dbOption);

crawlOpts(
  program.command('crawl').description("discover, fetch and ingest the reports of the registry's sites"),
).action(act(async (opts) => ((await (await crawlCli()).runCrawl(opts)).failed ? 1 : 0)));

crawlOpts(program.command('run').description('crawl, then export the effective cells'))
  .option('--format <format>', 'csv | jsonl', 'csv')
  .option('--out <file>', 'export file (default: output/cells.csv beside the store)')
  .action(
    act(async (opts) => {
      const c = await crawlCli();
      await c.runCrawl(opts);
      return runExport({
        db: opts.db,
        format: opts.format,
        out: opts.out ?? `${opts.db.replace(/[^/]*$/, '')}cells.${opts.format}`,
      });
    }),
  );

crawlOpts(program.command('schedule').description('keep running and re-crawl on a cron schedule'))
  .requiredOption('--cron <expr>', 'cron expression, e.g. "0 3 * * 1" (Mondays 03:00)')
  .action(act(async (opts) => (await crawlCli()).runSchedule(opts)));

program
  .command('demo')
  .description('start a simulated government site on 127.0.0.1 and run the whole pipeline against it')
  .option('--out <file>', 'export file (default: cells.csv beside the store)')
  .option(...dbOption)
  .action(act(async (opts) => (await crawlCli()).runDemo(opts)));

program
  .command('sources')
  .description('source registries')
  .command('check')
  .argument('<file>')
  .action(act(async (file: string) => (await crawlCli()).sourcesCheck(file)));

program
  .command('rules')
  .description('list the rules the checks run')
  .action(
    act(async () => {
      const { RULES } = await import('../rules/index.ts');
      for (const r of RULES) process.stdout.write(`${r.id}\t${r.level}\t${r.title}\n`);
      return 0;
    }),
  );

await program.parseAsync(process.argv);
