// Files to ingest: explicit files as given, folders walked recursively for report-like files.
import { constants, type Dirent, type Stats } from 'node:fs';
import { open, readdir, realpath, stat } from 'node:fs/promises';
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

/** A path a walk met but cannot ingest (a FIFO, a device, a broken link), and why. */
export type SkipReport = (file: string, reason: string) => void;

const isReportName = (name: string) => REPORT_EXTENSIONS.has(path.extname(name).toLowerCase());

/** Why a path is not a regular file, in words (null for a regular file). */
function notRegular(st: Stats | Dirent): string | null {
  if (st.isFile()) return null;
  if (st.isFIFO()) return 'not a regular file (a FIFO)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'not a regular file (a device)';
  if (st.isSocket()) return 'not a regular file (a socket)';
  return 'not a regular file';
}

/**
 * Files to ingest, in a stable order. Symbolic links are followed: to a regular file (ingested), to
 * a folder (walked once: each real folder at most once, so link loops end). A special file or a
 * broken link with a report's extension is never dropped silently: `onSkip` gets one line for it.
 */
export async function collectFiles(paths: string[], onSkip: SkipReport = () => undefined): Promise<string[]> {
  const out: string[] = [];
  const walked = new Set<string>(); // real paths of folders already walked
  const walk = async (dir: string) => {
    const real = await realpath(dir).catch(() => dir);
    if (walked.has(real)) return; // a link loop, or a folder reached twice: its files are already listed
    walked.add(real);
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) {
        if (isReportName(e.name)) out.push(p);
      } else if (e.isSymbolicLink()) {
        const target = await stat(p).catch((err: NodeJS.ErrnoException) => err);
        if (target instanceof Error) {
          if (isReportName(e.name))
            onSkip(p, target.code === 'ELOOP' ? 'symbolic link loop: skipped' : 'broken symbolic link: skipped');
        } else if (target.isDirectory()) await walk(p);
        else if (!isReportName(e.name)) continue;
        else if (target.isFile()) out.push(p);
        else onSkip(p, `symbolic link, ${notRegular(target)}: skipped`);
      } else if (isReportName(e.name)) onSkip(p, `${notRegular(e)}: skipped`);
    }
  };
  for (const p of paths) {
    const st = await stat(p).catch(() => null);
    if (st?.isDirectory()) await walk(p);
    else if (st && !st.isFile()) onSkip(p, `${notRegular(st)}: skipped`);
    else out.push(p); // a regular file, or a missing one (its reading reports why)
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
    return notRegular(st);
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
