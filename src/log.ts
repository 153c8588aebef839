// Structured log lines (pino) on stderr; quiet by default so stdout stays pure JSON Lines.
import pino from 'pino';

export const log = pino(
  { level: process.env.NIANBAO_LOG ?? 'warn', base: undefined },
  pino.destination({ fd: 2, sync: true }),
);
