// `nianbao serve`: the review desk in the browser (src/web). Loopback by default; any other address
// needs --token.
import { serve } from '@hono/node-server';
import { ReviewService } from '../review/service.ts';
import { queueFileFor } from '../store/paths.ts';
import { isLoopback } from '../web/security.ts';
import { createApp } from '../web/server.ts';
import { who } from './review.ts';
import { openStore } from '../store/open.ts';

export interface ServeCliOptions {
  db: string;
  host: string;
  port: string;
  token?: string;
  who?: string;
}

export async function runServe(opts: ServeCliOptions): Promise<number> {
  const port = Number(opts.port);
  if (!/^\d{1,5}$/.test(opts.port) || port > 65535) throw new Error(`--port must be a port number (got ${opts.port})`);
  const loopback = isLoopback(opts.host);
  const token = opts.token ?? process.env.NIANBAO_TOKEN ?? null;
  if (!loopback && !token)
    throw new Error(`refusing to serve on ${opts.host} without --token (a non-loopback address needs a token)`);
  if (token !== null && token.length < 12) throw new Error('--token must be at least 12 characters');
  const store = await openStore(opts.db, { mustExist: true });
  const service = new ReviewService(store, queueFileFor(opts.db));
  const app = createApp({ service, token, who: who(opts.who), loopbackOnly: loopback });
  const server = serve({ fetch: app.fetch, hostname: opts.host, port }, (info) => {
    const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
    process.stdout.write(`nianbao review desk: http://${host}:${info.port}/${token ? ' (token required)' : ''}\n`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const stop = () => server.close(() => resolve());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await store.close();
  return 0;
}
