// A portal page linking one report PDF that is garbage until the test mends it (then the report is
// served as a readable page): the crawl's "unreadable now, read next run" case, local and fleet.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PLAIN } from '../../src/demo/layout.ts';
import { renderHtml } from '../../src/demo/render.ts';
import { demoReports } from '../../src/demo/site.ts';

export interface BrokenReport {
  /** Serve the readable report from now on. */
  mend(): void;
  routes: (req: IncomingMessage, res: ServerResponse) => boolean;
}

export function brokenReport(): BrokenReport {
  let broken = true;
  const good = renderHtml(demoReports(1)[0]!, PLAIN);
  return {
    mend: () => {
      broken = false;
    },
    routes: (req, res) => {
      if (req.url === '/zfxxgk/zfxxgknb/index.html') {
        res
          .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
          .end('<a href="/x/report.pdf">示例市司法局2019年政府信息公开工作年度报告.pdf</a>');
        return true;
      }
      if (req.url === '/x/report.pdf') {
        res
          .writeHead(200, { 'content-type': broken ? 'application/pdf' : 'text/html; charset=utf-8', etag: '"v1"' })
          .end(broken ? '%PDF-1.4\n%garbage that is no PDF\n' : good);
        return true;
      }
      return false;
    },
  };
}
