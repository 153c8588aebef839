// Progress for long work: a bar on a terminal, structured log lines (pino) otherwise.
import cliProgress from 'cli-progress';
import { log } from '../log.ts';
import { escapeControls } from '../safe-text.ts';

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
        const shown = escapeControls(what); // a file or URL name cannot drive the terminal
        bar.update(done, { what: shown.length > 50 ? `…${shown.slice(-49)}` : shown });
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
