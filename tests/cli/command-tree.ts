// Prints the `nianbao` command tree (name, description, subcommands) as JSON instead of running a
// command: commander's parse is replaced before main.ts builds the program. Run by tests/cli/help.test.ts.
import { Command } from 'commander';

interface Node {
  name: string;
  description: string;
  commands: Node[];
}
const tree = (c: Command): Node => ({
  name: c.name(),
  description: c.description(),
  commands: c.commands.map(tree),
});
Command.prototype.parseAsync = async function (this: Command) {
  process.stdout.write(JSON.stringify(tree(this)));
  return this;
};
await import('../../src/cli/main.ts');
