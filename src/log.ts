// Structured log lines (pino) on stderr when it is not a terminal (a terminal gets progress bars
// and plain messages instead); NIANBAO_LOG=debug|info|warn|silent overrides.
import pino from 'pino';

export const log = pino(
  { level: process.env.NIANBAO_LOG ?? (process.stderr.isTTY ? 'silent' : 'info'), base: undefined },
  pino.destination({ fd: 2, sync: true }),
);
