// Files to ingest: explicit files as given, folders walked recursively for report-like files.
import { constants, type Stats } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** What a folder walk picks up; an explicitly named file is always tried. */
export const REPORT_EXTENSIONS = new Set([
  '.html',
  '.htm',
  '.shtml',
  '.txt',
  '.pdf',
  '.doc',
  '.docx',
  '.wps',
  '.ofd',
  '.md',
]);

export async function collectFiles(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && REPORT_EXTENSIONS.has(path.extname(e.name).toLowerCase())) out.push(p);
    }
  };
  for (const p of paths) {
    const st = await stat(p).catch(() => null);
    if (st?.isDirectory()) await walk(p);
    else out.push(p);
  }
  return out;
}

/**
 * The bytes of one input file, at most `max` of them. Only regular files are read: a FIFO would
 * block forever and a device (/dev/zero, or a symlink to it) never ends. The file is opened
 * non-blocking and checked again after opening (it may have been swapped since the stat).
 */
export async function readInputFile(file: string, max: number): Promise<Uint8Array> {
  const refuse = (st: Stats) => {
    if (st.isDirectory()) return 'is a directory';
    if (st.isFIFO()) return 'not a regular file (a FIFO)';
    if (st.isCharacterDevice() || st.isBlockDevice()) return 'not a regular file (a device)';
    if (st.isSocket()) return 'not a regular file (a socket)';
    return st.isFile() ? null : 'not a regular file';
  };
  const tooLarge = (size: number) =>
    `too large: ${(size / 1048576).toFixed(1)} MB exceeds the ${max / 1048576} MB input limit`;
  const st = await stat(file).catch((e: NodeJS.ErrnoException) => {
    throw new Error(errnoReason(e));
  });
  const bad = refuse(st);
  if (bad) throw new Error(bad);
  if (st.size > max) throw new Error(tooLarge(st.size));
  const fh = await open(file, constants.O_RDONLY | constants.O_NONBLOCK).catch((e: NodeJS.ErrnoException) => {
    throw new Error(errnoReason(e));
  });
  try {
    const again = refuse(await fh.stat());
    if (again) throw new Error(again);
    // One byte more than allowed tells a file that grew since the stat.
    const buf = Buffer.alloc(Math.min(max + 1, st.size + 1));
    let n = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
      if (n === buf.length) {
        if (n > max) throw new Error(tooLarge(n));
        break;
      }
    }
    return buf.subarray(0, n);
  } finally {
    await fh.close();
  }
}

const errnoReason = (e: NodeJS.ErrnoException): string =>
  e.code === 'ENOENT'
    ? 'no such file'
    : e.code === 'EACCES'
      ? 'permission denied'
      : e.code === 'ELOOP'
        ? 'symlink loop'
        : (e.message ?? String(e)).split('\n')[0]!;
