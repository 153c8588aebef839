// Where the commands write: output files that fail with `PATH: reason`, standard output that ends
// quietly when the reader goes away (`… | head`), and text that cannot drive a terminal.
import type { WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { escapeControls } from '../safe-text.ts';
import { fsReason, OutputError, withOutputErrors } from '../write-errors.ts';

export { fsReason, OutputError, withOutputErrors };

export interface Output {
  /** Where it goes, for messages: the file, or "standard output". */
  readonly name: string;
  /** Write text, waiting while the destination is busy (backpressure). */
  write(text: string): Promise<void>;
  /** Flush and close (standard output stays open). */
  close(): Promise<void>;
}

/** Write with backpressure; an error on the stream rejects instead of hanging. */
async function writeTo(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (stream.write(text)) return;
  await new Promise<void>((resolve, reject) => {
    const done = (e?: Error) => {
      stream.off('drain', done);
      stream.off('error', done);
      e ? reject(e) : resolve();
    };
    stream.on('drain', done);
    stream.on('error', done);
  });
}

/**
 * A new or truncated file. The open happens here, so a missing folder, a folder, or a file that
 * cannot be written fails before any work is done.
 */
export async function openOutput(file: string): Promise<Output> {
  const handle = await withOutputErrors(file, () => open(file, 'w'));
  const stream: WriteStream = handle.createWriteStream();
  let failure: OutputError | null = null;
  stream.on('error', (e) => {
    failure ??= new OutputError(file, fsReason(e, file));
  });
  return {
    name: file,
    async write(text) {
      if (failure) throw failure;
      await writeTo(stream, text).catch(() => {
        throw failure ?? new OutputError(file, 'write failed');
      });
    },
    async close() {
      if (!stream.writableEnded) stream.end();
      await finished(stream).catch(() => undefined);
      if (failure) throw failure;
    },
  };
}

/**
 * Standard output. On a terminal, control characters are shown escaped (a document's text cannot
 * clear the screen); redirected, the bytes are written as they are.
 */
export function stdoutOutput(stream: NodeJS.WriteStream = process.stdout): Output {
  const tty = !!stream.isTTY;
  return {
    name: 'standard output',
    write: (text) => writeTo(stream, tty ? terminalText(text) : text),
    close: async () => undefined,
  };
}

/** The file given, else standard output. */
export const outputFor = (file: string | undefined): Promise<Output> =>
  file ? openOutput(file) : Promise.resolve(stdoutOutput());

/** Escape every control character except the line structure (newlines and tabs). */
export const terminalText = (text: string): string => text.replace(/[^\n\t]+/g, (run) => escapeControls(run));

/** One message line for a person: `nianbao: message`, controls escaped, first line only. */
export const messageLine = (message: string): string => `nianbao: ${escapeControls(message.split('\n')[0] ?? '')}\n`;

/** One error line naming what failed: `nianbao: WHAT: reason`. */
export const errorLine = (what: string, reason: string): string =>
  messageLine(`${escapeControls(what)}: ${reason.split('\n')[0]}`);

let guarded = false;
/**
 * Once per process: a reader that goes away (`nianbao export | head`) ends the command quietly
 * with exit status 0 and no more output; any other standard output error is one line and exit 2.
 * Errors on standard error are ignored (there is nowhere left to report them).
 */
export function guardStdio(): void {
  if (guarded) return;
  guarded = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') process.exit(0);
    process.stderr.write(errorLine('standard output', fsReason(e)));
    process.exit(2);
  });
  process.stderr.on('error', () => undefined);
}
