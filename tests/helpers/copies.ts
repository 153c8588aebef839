// One report rendered as the copies agencies publish: the page (HTML), a PDF and a DOCX attachment,
// with a title that wraps when asked ("…特向社会公布X" / "2019年…年度报告": the agency is lost).
import { layoutKeys, PLAIN, type FixtureReport } from '../../src/demo/layout.ts';
import { renderHtml } from '../../src/demo/render.ts';

export function fixture(agency: string, year: number, seed = 1, overrides: Record<string, string> = {}): FixtureReport {
  const cells = new Map(
    layoutKeys('v2021').map((k, j) => [k, String(((j + seed) * 37) % 11 === 0 ? ((j + seed) * 7) % 300 : 0)]),
  );
  for (const [k, v] of Object.entries(overrides)) cells.set(k, v);
  return { version: 'v2021', agency, year, cells };
}

/** The page, optionally with its title wrapped after the agency, the agency gone, a visit counter. */
export function page(
  r: FixtureReport,
  opts: { wrapTitle?: boolean; visits?: number; hideAgency?: boolean } = {},
): Uint8Array {
  let html = new TextDecoder().decode(renderHtml(r, PLAIN));
  if (opts.wrapTitle)
    html = html
      .replace(
        /<h1>.*?<\/h1>/,
        `<p>根据《中华人民共和国政府信息公开条例》要求，特向社会公布${r.agency}</p><p>${r.year}年政府信息公开工作年度报告</p>`,
      )
      .replace(/<title>.*?<\/title>/, '<title>年度报告</title>')
      .replace(/来源：[^<]*/, '来源：本站');
  // A copy that names its body nowhere (the wrapped title lost it, no signature line either).
  if (opts.hideAgency) html = html.split(r.agency).join('');
  if (opts.visits !== undefined)
    html = html.replace('</body>', `<div class="counter">访问次数：${opts.visits}</div></body>`);
  return new TextEncoder().encode(html);
}
