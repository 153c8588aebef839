// Progress for long work: a bar on a terminal, structured log lines (pino) otherwise.
import cliProgress from 'cli-progress';
import { log } from '../log.ts';

export interface Progress {
  update(done: number, total: number, what: string): void;
  stop(): void;
}

export function progress(task: string): Progress {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${task} [{bar}] {value}/{total} {what}`, stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total, what) {
        if (!started) {
          bar.start(total, 0, { what: '' });
          started = true;
        }
        bar.setTotal(total);
        bar.update(done, { what: what.length > 50 ? `…${what.slice(-49)}` : what });
      },
      stop: () => started && bar.stop(),
    };
  }
  let last = 0;
  return {
    update(done, total, what) {
      const now = Date.now();
      if (done === total || now - last > 2000) {
        last = now;
        log.info({ task, done, total, what }, 'progress');
      }
    },
    stop() {},
  };
}
