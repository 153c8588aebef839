// Every document is read and extracted in a child process with a heap limit, a resident-memory watch
// and a wall-clock limit (LIMITS.doc), so a document that blows up costs one line and one failed
// document, never the batch. Children are reused (starting one costs about a second: tsx and the
// extractor's tables) and replaced after a crash or a kill. Jobs run in parallel up to the pool size.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BytesInput } from '../pipeline.ts';
import type { ReportRecord } from '../record.ts';
import { LIMITS } from '../settings.ts';

export interface ChildTask {
  id: number;
  bytes: Uint8Array;
  input: Pick<BytesInput, 'path' | 'url' | 'contentType' | 'nameHint'>;
}
export type ChildReply =
  | { ready: true }
  | { id: number; ok: true; record: ReportRecord }
  | { id: number; ok: false; message: string };

export interface Budget {
  /** V8 heap limit of a child (MB). */
  memoryMb: number;
  /**
   * Time limit per document (s): CPU seconds of the child where /proc tells them (a loaded machine
   * does not fail good documents), wall-clock seconds elsewhere; wall clock is also cut off at
   * LIMITS.doc.wallFactor times this (a document that waits on nothing).
   */
  timeoutS: number;
}

export const defaultBudget = (): Budget => ({ memoryMb: LIMITS.doc.memoryMb, timeoutS: LIMITS.doc.timeoutS });

/** A document the pool could not extract: `message` is the one-line reason (`too large: …`, …). */
export class ExtractionFailed extends Error {
  override name = 'ExtractionFailed';
}

const require = createRequire(import.meta.url);
// By absolute URL: `--import tsx` would resolve from the working directory (cron runs elsewhere).
const TSX = pathToFileURL(path.join(path.dirname(require.resolve('tsx/package.json')), 'dist/loader.mjs')).href;
const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
const PAGE = 4096;

/** CPU time (user + system, all threads) of a process in seconds (Linux /proc; null elsewhere). */
function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 (utime, stime) in clock ticks, 100 per second on Linux.
    return (Number(f[11]) + Number(f[12])) / TICKS;
  } catch {
    return null;
  }
}
const TICKS = 100;

/** Resident memory of a process in MB (Linux /proc; null elsewhere, where only the heap limit holds). */
function rssMb(pid: number): number | null {
  try {
    return (Number(readFileSync(`/proc/${pid}/statm`, 'latin1').split(' ')[1]) * PAGE) / 1048576;
  } catch {
    return null;
  }
}

interface Job {
  task: Omit<ChildTask, 'id'>;
  resolve: (r: ReportRecord) => void;
  reject: (e: Error) => void;
}

class Slot {
  private child: ChildProcess | null = null;
  private ready: Promise<void> | null = null;
  constructor(private readonly budget: Budget) {}

  private start(): Promise<void> {
    const child = fork(CHILD, [], {
      execArgv: ['--import', TSX, `--max-old-space-size=${Math.round(this.budget.memoryMb)}`],
      serialization: 'advanced',
      // The child's stderr (V8's out-of-memory report, pdf.js chatter) is not the user's business.
      stdio: ['ignore', 'ignore', process.env.NIANBAO_LOG ? 'inherit' : 'ignore', 'ipc'],
    });
    this.child = child;
    // A message that cannot be sent (the child just died) is an 'error' event; its 'exit' says the rest.
    child.on('error', () => {});
    // A child that dies while idle is replaced on the next job.
    child.once('exit', () => {
      if (this.child === child) {
        this.child = null;
        this.ready = null;
      }
    });
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (m: ChildReply) => {
        if ('ready' in m) {
          child.off('message', onMessage);
          child.off('exit', onExit);
          resolve();
        }
      };
      const onExit = (code: number | null, signal: string | null) => {
        this.child = null;
        reject(new ExtractionFailed(`the extraction process did not start (exit ${code ?? signal})`));
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
    return this.ready;
  }

  /** An idle child must not keep the parent alive: a batch ends without anyone closing the pool. */
  private idle() {
    this.child?.unref();
    (this.child?.channel as { unref?: () => void } | undefined)?.unref?.();
  }
  private busy() {
    this.child?.ref();
    (this.child?.channel as { ref?: () => void } | undefined)?.ref?.();
  }

  async run(job: Job, id: number): Promise<void> {
    try {
      const starting = this.child ? this.ready : this.start();
      this.busy();
      await starting;
    } catch (e) {
      this.ready = null;
      job.reject(e as Error);
      return;
    }
    const child = this.child!;
    const { memoryMb, timeoutS } = this.budget;
    const rssLimit = memoryMb + LIMITS.doc.rssHeadroomMb;
    await new Promise<void>((done) => {
      let verdict: string | null = null;
      const finish = (fn: () => void) => {
        clearTimeout(timer);
        clearInterval(watch);
        child.off('message', onMessage);
        child.off('exit', onExit);
        fn();
        done();
      };
      const kill = (why: string) => {
        verdict ??= why;
        child.kill('SIGKILL');
      };
      const cpu0 = child.pid ? cpuSeconds(child.pid) : null;
      const wallLimit = cpu0 === null ? timeoutS : timeoutS * LIMITS.doc.wallFactor;
      const timer = setTimeout(
        () =>
          kill(
            `too slow: still reading after ${wallLimit} s${cpu0 === null ? '' : ' (wall clock)'} (the per-document limit, NIANBAO_DOC_TIMEOUT_S)`,
          ),
        wallLimit * 1000,
      );
      const watch = setInterval(() => {
        if (!child.pid) return;
        const rss = rssMb(child.pid);
        if (rss !== null && rss > rssLimit)
          kill(`too large: reading it took more than ${memoryMb} MB of memory (NIANBAO_DOC_MEMORY_MB)`);
        const cpu = cpu0 === null ? null : cpuSeconds(child.pid);
        if (cpu !== null && cpu - cpu0! > timeoutS)
          kill(
            `too slow: still reading after ${timeoutS} s of CPU time (the per-document limit, NIANBAO_DOC_TIMEOUT_S)`,
          );
      }, LIMITS.doc.rssPollMs);
      const onMessage = (m: ChildReply) => {
        if ('ready' in m || m.id !== id) return;
        finish(() => {
          this.idle();
          if (m.ok) job.resolve(m.record);
          else job.reject(new ExtractionFailed(m.message));
        });
      };
      const onExit = (code: number | null, signal: string | null) => {
        this.child = null;
        this.ready = null;
        // V8 aborts (SIGABRT, on some builds SIGTRAP; 134/133 through a shell) at the heap limit.
        const oom = signal === 'SIGABRT' || signal === 'SIGTRAP' || code === 134 || code === 133;
        const reason =
          verdict ??
          (oom
            ? `too large: reading it took more than ${memoryMb} MB of memory (NIANBAO_DOC_MEMORY_MB)`
            : `the reader crashed (exit ${code ?? signal})`);
        finish(() => job.reject(new ExtractionFailed(reason)));
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send({ id, ...job.task } satisfies ChildTask);
    });
  }

  close() {
    this.child?.kill('SIGKILL');
    this.child = null;
  }
}

/** A pool of `size` child processes; jobs beyond that wait their turn (in order). */
export class ExtractionPool {
  private readonly slots: Slot[];
  private readonly free: Slot[];
  private readonly waiting: Job[] = [];
  private nextId = 1;

  constructor(
    readonly size = 1,
    budget: Budget = defaultBudget(),
  ) {
    this.slots = Array.from({ length: Math.max(1, size) }, () => new Slot(budget));
    this.free = [...this.slots];
  }

  extract(bytes: Uint8Array, input: ChildTask['input'] = {}): Promise<ReportRecord> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ task: { bytes, input: plain(input) }, resolve, reject });
      this.pump();
    });
  }

  private pump() {
    while (this.free.length && this.waiting.length) {
      const slot = this.free.shift()!;
      const job = this.waiting.shift()!;
      void slot.run(job, this.nextId++).then(() => {
        this.free.push(slot);
        this.pump();
      });
    }
  }

  close() {
    for (const s of this.slots) s.close();
  }
}

/** Only the fields the child needs, as plain values (they cross a process boundary). */
const plain = (i: ChildTask['input']): ChildTask['input'] => ({
  path: i.path ?? null,
  url: i.url ?? null,
  contentType: i.contentType ?? null,
  nameHint: i.nameHint ?? undefined,
});

let shared: ExtractionPool | null = null;

/**
 * The process's pool, created on first use and grown to `size` when asked for more. Its idle children
 * do not keep the process alive, so callers (CLI, crawler) need not close it.
 */
export function sharedPool(size = 1): ExtractionPool {
  if (!shared || shared.size < size) {
    shared?.close();
    shared = new ExtractionPool(size);
  }
  return shared;
}

/** Whether documents are extracted in child processes (NIANBAO_ISOLATE=0 turns it off, for debugging). */
export const isolationEnabled = (): boolean => process.env.NIANBAO_ISOLATE !== '0';
