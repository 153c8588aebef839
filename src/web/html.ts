// A tiny escaping template: every interpolated value is escaped unless it is already markup made by
// `h` (or `trusted`, for nianbao's own constant markup). Report text can never become markup.
import { esc } from './source.ts';

export class Markup {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

type Value = Markup | string | number | boolean | null | undefined | Value[];

const render = (v: Value): string =>
  v === null || v === undefined || v === false
    ? ''
    : v instanceof Markup
      ? v.html
      : Array.isArray(v)
        ? v.map(render).join('')
        : esc(String(v));

export function h(strings: TemplateStringsArray, ...values: Value[]): Markup {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new Markup(out);
}

/** nianbao's own constant markup (never report data). */
export const trusted = (s: string): Markup => new Markup(s);
