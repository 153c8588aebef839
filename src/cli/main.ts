// The `nianbao` command: thin wiring from arguments to the stages.
// Command modules load on use: `review list` should not pay for the extractor's dictionaries.
import path from 'node:path';
import { Command } from 'commander';

import { PARSER_VERSION } from '../../parsers/index.ts';
import { defaultDb, outputDirFor } from '../store/paths.ts';
import { LIMITS } from '../settings.ts';
import { guardStdio, messageLine, stdoutOutput } from './output.ts';
import { parseIntOption } from './options.ts';

guardStdio(); // `nianbao … | head` ends quietly

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
// Commander's own errors (unknown option, invalid number) as one `nianbao: …` line, like ours.
program.configureOutput({ outputError: (text, write) => write(`nianbao: ${text.replace(/^error: /, '')}`) });

/** Run a command; any error becomes one line on stderr and exit status 2. */
const act =
  <A extends unknown[]>(fn: (...args: A) => Promise<number>) =>
  async (...args: A) => {
    try {
      process.exitCode = await fn(...args);
    } catch (e) {
      process.stderr.write(messageLine(e instanceof Error ? e.message : String(e)));
      process.exitCode = 2;
    }
  };
const dbOption = [
  '--db <path|url>',
  'the store: an SQLite file, or a postgres:// URL (default: $NIANBAO_DB, else output/nianbao.db)',
  defaultDb(),
] as const;

program
  .command('extract')
  .description('print one JSON record per input file (JSON Lines) on stdout')
  .argument('<files...>', 'HTML or text reports')
  .option('--pretty', 'indent the JSON (one record spans several lines)')
  .action(act((files: string[], opts: { pretty?: boolean }) => runExtract(files, opts)));

program
  .command('ingest')
  .description(
    'extract, store and check reports (files or folders, recursive); writes STORE.review-queue.jsonl beside the store',
  )
  .argument('<paths...>')
  .option(...dbOption)
  .option('--jobs <n>', 'documents extracted at once, each in its own child process (default 1)')
  .action(act((paths: string[], opts: { db: string; jobs?: string }) => runIngest(paths, opts)));

const reviewCmd = program.command('review').description('the review queue: list, show, decide, correct');
const idArgument = ['<id>', 'the review item number', parseIntOption('the item id', { min: 1 })] as const;
reviewCmd
  .command('list')
  .description('list review items (one line each, or --json)')
  .option('--rule <id>')
  .option('--agency <name>')
  .option('--year <year>', 'report year', parseIntOption('--year', { min: 1990, max: 2100 }))
  .option('--status <status>', 'open | decided | resolved | all', 'open')
  .option('--json', 'JSON output')
  .option(...dbOption)
  .action(act(async (opts) => (await review()).reviewList(opts)));
reviewCmd
  .command('show')
  .description('one item: the finding, its table with the involved cells marked, their sources, the history')
  .argument(...idArgument)
  .option('--json')
  .option(...dbOption)
  .action(act(async (id: number, opts: { db: string; json?: boolean }) => (await review()).reviewShow(id, opts)));
reviewCmd
  .command('decide')
  .description('record a decision on an item: publisher-error, extraction-error or false-alarm')
  .argument(...idArgument)
  .requiredOption('--as <decision>', 'publisher-error | extraction-error | false-alarm')
  .option('--note <text>')
  .option('--who <name>', 'the reviewer (default: $NIANBAO_USER or the login name)')
  .option('--expect <version>', 'refuse if the item changed since this version (the `version` of review show --json)')
  .option(...dbOption)
  .action(
    act(async (id: number, opts: { db: string; as: string; note?: string; who?: string; expect?: string }) =>
      (await review()).reviewDecide(id, opts),
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
  .description(
    'the data package: --out DIR writes cells, reports, findings, coverage, bodies + datapackage.json; without --out (or --out FILE.csv) the long cells',
  )
  .option('--format <format>', 'csv | jsonl | parquet', 'csv')
  .option('--out <dir>', 'a folder for the data package (a .csv/.jsonl file: the long cells only)')
  .option('--since <year>', 'reports from this year on')
  .option('--agency <name>', 'a body id, or part of a body name or alias')
  .option('--region <code>', 'a GB/T 2260 code or its prefix (35, 3503, 350300)')
  .option(...dbOption)
  .action(
    act((opts: { db: string; format: string; out?: string; since?: string; agency?: string; region?: string }) =>
      runExport(opts),
    ),
  );

const crawlOpts = (c: Command) =>
  c
    .requiredOption('--sources <file>', 'a source registry (JSON), e.g. corpora/starter.json')
    .option(
      '--max-requests <n>',
      'stop after this many requests (a later run resumes)',
      parseIntOption('--max-requests', { min: 1 }),
    )
    .option(
      '--delay <ms>',
      'minimum delay between requests to one host (default 1000; robots.txt Crawl-delay can raise it)',
      parseIntOption('--delay', { min: 0, max: LIMITS.throttle.maxDelayMs }),
    )
    .option('--allow-loopback', 'allow 127.0.0.1 / ::1 targets (tests, the demo); private ranges are always refused')
    .option(
      '--workers <n>',
      'fleet mode (--db postgres://… only): queue one job per host and work them with N local workers (0: only `nianbao worker`s elsewhere)',
      parseIntOption('--workers', { min: 0 }),
    )
    .option(...dbOption);

crawlOpts(program.command('crawl').description("discover, fetch and ingest the reports of the registry's sites"))
  .option('--allow-partial', 'exit 0 when only some sources failed (they are still named in the summary)')
  .action(act(async (opts) => (await crawlCli()).crawlCommand(opts)));

crawlOpts(program.command('run').description('crawl, then export the data package'))
  .option('--format <format>', 'csv | jsonl | parquet', 'csv')
  .option('--out <dir>', 'data package folder (default: package/ beside the store; FILE.csv: long cells only)')
  .action(
    act(async (opts) => {
      const c = await crawlCli();
      await c.runCrawl(opts);
      return runExport({
        db: opts.db,
        format: opts.format,
        out: opts.out ?? path.join(outputDirFor(opts.db), 'package'),
      });
    }),
  );

crawlOpts(program.command('schedule').description('keep running and re-crawl on a cron schedule'))
  .requiredOption('--cron <expr>', 'cron expression, e.g. "0 3 * * 1" (Mondays 03:00)')
  .action(act(async (opts) => (await crawlCli()).runSchedule(opts)));

program
  .command('demo')
  .description('start a simulated government site on 127.0.0.1 and run the whole pipeline against it')
  .option('--out <dir>', 'data package folder (default: package/ beside the store; FILE.csv: long cells only)')
  .option(...dbOption)
  .action(act(async (opts) => (await crawlCli()).runDemo(opts)));

program
  .command('sources')
  .description('source registries')
  .command('check')
  .description('validate a source registry (JSON)')
  .argument('<file>')
  .action(act(async (file: string) => (await crawlCli()).sourcesCheck(file)));
program.commands
  .find((c) => c.name() === 'sources')!
  .command('status')
  .description(
    'per source: last run, last success, failures in a row, entries failing, documents and report years found, years missing (exit 1 when any is failing)',
  )
  .option('--json', 'JSON output')
  .option(...dbOption)
  .action(act(async (opts: { db: string; json?: boolean }) => (await crawlCli()).sourcesStatus(opts)));

program
  .command('reprocess')
  .description(
    'read stored documents again with the current parser (no fetching), re-run the rules, update the review queue',
  )
  .option('--all', 'every document not yet read by the current parser (the default)')
  .option('--older-than <version>', 'only documents last read by a parser version first used before this one')
  .option('--agency <name>')
  .option('--year <year>')
  .option(...dbOption)
  .action(act(async (opts) => (await import('./reprocess.ts')).runReprocess(opts)));

program
  .command('coverage')
  .description('for each body × report year: complete, partial (tables unread), not found … (read-only)')
  .option('--source <id>', 'only this registry source')
  .option('--year <year>', 'only this report year')
  .option('--json', 'JSON output')
  .option('--csv', 'CSV output with a header row')
  .option(...dbOption)
  .action(act(async (opts) => (await import('./coverage.ts')).runCoverage(opts)));

program
  .command('serve')
  .description('the review desk in the browser: queue, items beside their source, reports, coverage, JSON under /api')
  .option('--host <address>', 'address to listen on (a non-loopback address needs --token)', '127.0.0.1')
  .option('--port <port>', 'port', '8080')
  .option('--token <token>', 'require this token (bearer header or login form); default $NIANBAO_TOKEN')
  .option('--who <name>', 'the reviewer recorded on decisions (default: $NIANBAO_USER or the login name)')
  .option(...dbOption)
  .action(act(async (opts) => (await import('./serve.ts')).runServe(opts)));

program
  .command('rules')
  .description("list every finding that can reach the review queue: the rules and the extractor's E-* findings")
  .action(
    act(async () => {
      const { FINDING_KINDS } = await import('../rules/kinds.ts');
      const out = stdoutOutput();
      for (const r of FINDING_KINDS) await out.write(`${r.id}\t${r.level}\t${r.title}\n`);
      return 0;
    }),
  );

const bodiesCli = () => import('./bodies.ts');
const bodiesCmd = program
  .command('bodies')
  .description('body identities: list, show, merge, alias (merges and aliases are audited)');
bodiesCmd
  .command('list')
  .description('list body identities with their region code, level and parent')
  .option('--region <code>', 'a GB/T 2260 code or its prefix')
  .option('--json', 'JSON Lines')
  .option(...dbOption)
  .action(act(async (opts) => (await bodiesCli()).bodiesList(opts)));
bodiesCmd
  .command('show')
  .description('one body: fields with their sources, aliases, reports, history')
  .argument('<body>', 'a body id or one of its names')
  .option('--json')
  .option(...dbOption)
  .action(act(async (id: string, opts) => (await bodiesCli()).bodiesShow(id, opts)));
bodiesCmd
  .command('merge')
  .description('FROM becomes part of INTO: its names, reports and child links move; audited')
  .arguments('<from> <into>')
  .requiredOption('--note <text>', 'why')
  .option('--who <name>', 'default: $NIANBAO_USER or the login name')
  .option(...dbOption)
  .action(act(async (from: string, into: string, opts) => (await bodiesCli()).bodiesMerge(from, into, opts)));
bodiesCmd
  .command('alias')
  .description('NAME (as reports print it) belongs to BODY; audited')
  .arguments('<name> <body>')
  .requiredOption('--note <text>', 'why')
  .option('--who <name>')
  .option(...dbOption)
  .action(act(async (name: string, body: string, opts) => (await bodiesCli()).bodiesAlias(name, body, opts)));

program
  .command('summary')
  .description('a static HTML page with SVG charts (opens offline): DIR/index.html')
  .requiredOption('--out <dir>', 'folder for index.html')
  .option(...dbOption)
  .action(act(async (opts: { db: string; out: string }) => (await import('./summary.ts')).runSummary(opts)));

program
  .command('worker')
  .description('take jobs from the fleet queue of a Postgres store until stopped (SIGINT/SIGTERM: graceful)')
  .option(...dbOption)
  .option('--concurrency <n>', 'hosts crawled at a time in this process (fetch jobs; default: the number of cores)')
  .option(
    '--extract-jobs <n>',
    `documents read at a time in this process, each in its own child process (extract jobs; default: the number of cores, at most ${LIMITS.fleet.maxExtractJobs})`,
  )
  .option('--kinds <kinds>', 'job kinds to take, comma-separated (fetch: crawl hosts; extract)', 'fetch,extract')
  .action(
    act(async (opts: { db: string; concurrency?: string; extractJobs?: string; kinds?: string }) =>
      (await import('./worker.ts')).runWorker(opts),
    ),
  );

await program.parseAsync(process.argv);
