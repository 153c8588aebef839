// Run the real `nianbao` launcher in a child process, as an operator would.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

export const BIN = path.resolve('bin/nianbao.js');
const exec = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  args: string[],
  opts: { cwd?: string; uid?: number; gid?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { maxBuffer: 256 << 20, ...opts });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number | string; stdout: string; stderr: string };
    if (typeof err.code !== 'number') throw e;
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/**
 * `nianbao ARGS | head -1` through a real pipe (bash): the launcher's exit status (PIPESTATUS),
 * its standard error, and what head printed.
 */
export function runCliIntoHead(args: string[]): CliResult {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const errFile = path.join(mkdtempSync(path.join(tmpdir(), 'nianbao-pipe-')), 'stderr');
  const r = spawnSync('bash', ['-c', `${quoted} 2>"$ERRFILE" | head -1; echo "exit:\${PIPESTATUS[0]}"`], {
    encoding: 'utf8',
    env: { ...process.env, ERRFILE: errFile },
    maxBuffer: 64 << 20,
  });
  const m = /exit:(\d+)\s*$/.exec(r.stdout);
  return {
    code: m ? Number(m[1]) : -1,
    stdout: r.stdout.replace(/exit:\d+\s*$/, ''),
    stderr: readFileSync(errFile, 'utf8'),
  };
}
