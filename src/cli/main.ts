// The `nianbao` command: thin wiring from arguments to the stages.
import { Command } from 'commander';
import { PARSER_VERSION } from '../../parsers/index.ts';
import { runExtract } from './extract.ts';

const program = new Command('nianbao')
  .description('Collect, extract, check and review OGI annual reports (政府信息公开工作年度报告)')
  .version(PARSER_VERSION);

program
  .command('extract')
  .description('print one JSON record per input file (JSON Lines) on stdout')
  .argument('<files...>', 'HTML or text reports')
  .option('--pretty', 'indent the JSON (one record spans several lines)')
  .action(async (files: string[], opts: { pretty?: boolean }) => {
    process.exitCode = await runExtract(files, opts);
  });

await program.parseAsync(process.argv);
