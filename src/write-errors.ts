// A write that fails names its file and the reason in words: `nianbao: PATH: reason`. Shared by the
// commands' outputs and the files the stages write themselves (the review queue beside the store).
import path from 'node:path';

/** A write that failed, named by the file: printed as `nianbao: PATH: reason`. */
export class OutputError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'OutputError';
  }
}

/** A file-system error in words (the codes an operator meets: missing folder, a folder, no permission, full disk). */
export function fsReason(e: unknown, file?: string): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOENT':
      return file ? `no such folder: ${path.dirname(path.resolve(file))}` : 'no such file or folder';
    case 'EISDIR':
      return 'is a folder, not a file';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EFBIG':
      return 'file too large';
    case 'ENAMETOOLONG':
      return 'file name too long';
    case 'EIO':
      return 'input/output error';
    default:
      return (err instanceof Error ? err.message : String(e)).split('\n')[0]!;
  }
}

/** Run a write to `file`; any file-system error becomes an OutputError naming `file`. */
export async function withOutputErrors<T>(file: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof OutputError || !(e as NodeJS.ErrnoException)?.code) throw e;
    throw new OutputError(file, fsReason(e, file));
  }
}
