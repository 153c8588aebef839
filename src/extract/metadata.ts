// Report metadata from the document's text: title, agency, year (and where it came from),
// publish date, 索引号, scope, the processing fee, and whether this is a report at all.
import type { Document } from '../read/document.ts';
import type { ReportRecord } from '../record.ts';
import { normalizeText, simplifiedText } from './normalize.ts';
import { sanitizeText } from '../safe-text.ts';

type Report = ReportRecord['report'];

const CN_DIGITS: Record<string, string> = {
  〇: '0',
  '○': '0',
  零: '0',
  Ｏ: '0',
  O: '0',
  一: '1',
  二: '2',
  三: '3',
  四: '4',
  五: '5',
  六: '6',
  七: '7',
  八: '8',
  九: '9',
};
const YEAR = '((?:19|20)\\d{2}|[二][〇○零Ｏ][一二三四五六七八九〇○零Ｏ]{2})';
const TITLE_WORDS = /信息公开.{0,10}报告|信息公开年报|政务公开.{0,10}报告/;
/** Lines that name a column or breadcrumb, not the report. */
const NOT_TITLE = /^(?:栏目|当前位置|来源|所属栏目|分类)/;
/** Titles of other documents quoted in the text (the format notice, the regulation). */
const NOT_A_TITLE_PHRASE = /[《〈]|格式|通知|条例/;

/** A sentence that announces the report and wraps right before its title: "…特向社会公布莆田市审计局". */
const WRAPPED_BYLINE = /特向社会(?:公布|发布)(?:本机关|本单位)?([^，。；：]{0,40})$/;

/** Endings of the names of government bodies (and of the places whose governments report). */
const BODY_SUFFIX =
  /(?:政府|办公厅|办公室|委员会|管委会|局|委|办|厅|中心|院|所|队|站|处|署|会|部|司|室|馆|区|县|市|省|州|盟|旗|镇|乡|街道|办事处|集团|公司|监狱|学校|大学)$/;

/**
 * An agency string as the document prints it, or null when it does not look like a government
 * body: lone characters, fragments of the title's year ("年"), digits, punctuation, or no body
 * ending. A wrong agency splits one report into several in the store; a null one is filled from
 * the registry.
 */
export function asAgency(s: string | null | undefined): string | null {
  if (!s) return null;
  const a = sanitizeText(s) // terminal escapes in a hostile title are not part of the name
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/^.*?特向社会(?:公布|发布)(?:本机关|本单位)?/, '')
    .replace(/(?:关于|发布|公布)$/, '');
  if (a.length < 2 || a.length > 40) return null;
  if (/[\d年月日〇○零]|[，。；：:,;、！？!?“”"《》〈〉()（）【】[\]/\\|_-]/.test(a)) return null;
  return BODY_SUFFIX.test(a) ? a : null;
}

/** "二〇二三" → 2023. */
export function parseYear(s: string): number | null {
  const digits = /^\d{4}$/.test(s) ? s : [...s].map((ch) => CN_DIGITS[ch] ?? '').join('');
  const y = Number.parseInt(digits, 10);
  return digits.length === 4 && y >= 1990 && y <= 2100 ? y : null;
}

/** Lines worth reading for metadata: the head (title, byline, intro) and the tail (section 六, signature). */
const HEAD_BLOCKS = 160;
const TAIL_BLOCKS = 60;

/** Text pieces as lines (paragraphs and table cells) from the head and tail, NFKC-folded in one pass. */
function paragraphs(doc: Document): string[] {
  const raw: string[] = [];
  const push = (t: string) => raw.push(t.replace(/\n/g, ' '));
  const blocks =
    doc.blocks.length > HEAD_BLOCKS + TAIL_BLOCKS
      ? [...doc.blocks.slice(0, HEAD_BLOCKS), ...doc.blocks.slice(-TAIL_BLOCKS)]
      : doc.blocks;
  for (const b of blocks) {
    if (b.type === 'paragraph') push(b.text);
    else for (const row of b.rows) for (const c of row) if (!c.spanned && c.text) push(c.text);
  }
  return normalizeText(simplifiedText(raw.join('\n')))
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

function findTitle(doc: Document, lines: string[]): string | null {
  const head = lines
    .slice(0, 60)
    .map((l) => l.replace(/^#+\s*/, '').replace(/^(?:标\s*题|名\s*称|题\s*名)\s*[:：]\s*/, ''));
  const candidates: string[] = [];
  const isTitle = (l: string) => TITLE_WORDS.test(l.replace(/\s/g, '')) && !NOT_A_TITLE_PHRASE.test(l);
  const short = (l: string | undefined) => !!l && l.length < 30 && !/[，。；：:,]/.test(l);
  head.forEach((l, i) => {
    if (l.length > 90 || NOT_TITLE.test(l)) return;
    const prev = head[i - 1];
    const next = head[i + 1];
    const announced = prev ? WRAPPED_BYLINE.exec(prev.replace(/\s/g, '')) : null;
    if (isTitle(l) && announced && /^(?:\d|[二][〇○零]|年)/.test(l.replace(/\s/g, ''))) {
      // "…特向社会公布莆田市审计局" / "2019年政府信息公开工作年度报告": the title wrapped after the byline.
      candidates.push(announced[1]! + l);
    } else if (isTitle(l)) {
      // "洪泽区人民政府" / "2023 年政府信息公开工作年度报告": the body's name on the line above.
      candidates.push(
        /^\s*(?:\d{4}|[二][〇○零])/.test(l) &&
          short(prev) &&
          !isTitle(prev!) &&
          !/^[一二三四五六七八九十]+、/.test(prev!)
          ? prev + l
          : l,
      );
    } else if (short(next) && isTitle(l + next)) {
      // A title wrapped over two lines: "…政府信息公开工作年" / "度报告".
      candidates.push(l + next);
    }
  });
  const pick = candidates.find((l) => /\d{4}|[二][〇○零]/.test(l)) ?? candidates[0] ?? null;
  if (pick) return pick;
  const t = doc.meta.title;
  return t && TITLE_WORDS.test(t.replace(/\s/g, '')) ? t.split(/[_|—–-]{1,2}\s*(?=[^_|—–-]*$)/)[0]!.trim() : null;
}

/** Agency and year as the title prints them: "X2024年…报告", "2019年X…报告", "X 政府信息公开工作年度报告". */
export function parseTitle(title: string): { agency: string | null; year: number | null } {
  const t = title
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/^[《〈]|[》〉]$/g, '');
  const m = new RegExp(`^(.*?)${YEAR}年度?(.*?)(?:政[府务]信息公开|信息公开|政务公开)`).exec(t);
  if (m) {
    const agency = (m[1] || m[3] || '').replace(/[（(].*?[)）]$/, '') || null;
    return { agency, year: parseYear(m[2]!) };
  }
  const n = /^(.*?)(?:关于)?(?:政[府务]信息公开|信息公开|政务公开)/.exec(t);
  return { agency: n?.[1] || null, year: null };
}

const DATE = /((?:19|20)\d{2})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})/;
const iso = (y: string, m: string, d: string): string | null => {
  const mm = Number(m),
    dd = Number(d);
  return mm >= 1 && mm <= 12 && dd >= 1 && dd <= 31
    ? `${y}-${String(mm).padStart(2, '0')}-${String(dd).padStart(2, '0')}`
    : null;
};

function findPublishDate(lines: string[]): { date: string | null; source: string | null } {
  for (const l of lines.slice(0, 80)) {
    const m = /(发布日期|发布时间|发文日期|成文日期|公开日期|印发日期)\s*[:：]?\s*/.exec(l);
    if (!m) continue;
    const d = DATE.exec(l.slice(m.index));
    if (d) return { date: iso(d[1]!, d[2]!, d[3]!), source: m[1]! };
  }
  // The signature date: a short line "2026年1月8日" near the end.
  for (let i = lines.length - 1; i >= Math.max(0, lines.length - 30); i--) {
    const m = /^(?:.{0,30}?)((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日$/.exec(lines[i]!.replace(/\s/g, ''));
    if (m) return { date: iso(m[1]!, m[2]!, m[3]!), source: '署名日期' };
  }
  return { date: null, source: null };
}

/**
 * Section 六 saying no fee was charged: a stated zero ("无收取信息费", "处理费收取情况：无",
 * "未收取信息处理费", "信息处理费为0元"). Silence stays null.
 */
const NO_FEE: RegExp[] = [
  /(?:未|没有|无|不存在|均未|并未)(?:向申请人)?(?:收取|产生|发生|收缴)[^。；]{0,20}(?:信息处理费|处理费|信息费|费用)/,
  /(?:信息处理费|处理费|信息费)(?:的)?(?:收取)?(?:情况)?(?:为|是)?[:：]?(?:0(?:\.0+)?元|零元?|无)(?![其他需])/,
];

/** The publishing body as the body text names it: "特向社会公布X2019年…报告", or the signature. */
function bodyAgency(compact: string, lines: string[]): string | null {
  const announced = new RegExp(
    `特向社会(?:公布|发布)(?:本机关|本单位)?([^，。；：]{2,40}?)${YEAR}年度?(?:政[府务])?(?:信息公开|政务公开)`,
  ).exec(compact);
  const a = asAgency(announced?.[1]);
  if (a) return a;
  // The signature: the body's name on the line before the closing date (or on the same line).
  for (let i = lines.length - 1; i >= Math.max(0, lines.length - 12); i--) {
    const l = lines[i]!.replace(/\s/g, '');
    const m = /^(.*?)(?:19|20)\d{2}年\d{1,2}月\d{1,2}日$/.exec(l);
    if (!m) continue;
    return asAgency(m[1]) ?? asAgency(lines[i - 1]);
  }
  return null;
}

export interface MetaResult {
  report: Omit<Report, 'format_version' | 'tables_missing'>;
  /** The text looks like an OGI annual report (title or body wording). */
  looksLikeReport: boolean;
}

export function extractMetadata(doc: Document, opts: { url?: string | null } = {}): MetaResult {
  const lines = paragraphs(doc);
  const title = findTitle(doc, lines);
  const fromTitle = title ? parseTitle(title) : { agency: null, year: null };
  const full = lines.join('\n');
  const compact = full.replace(/\s/g, '');

  let year = fromTitle.year;
  let yearSource: Report['year_source'] = year ? 'title' : null;
  if (!year) {
    const p =
      new RegExp(`统计期限?(?:为|自|是|从)?${YEAR}年1月1日`).exec(compact) ??
      new RegExp(`${YEAR}年1月1日(?:起)?至${YEAR}年12月31日`).exec(compact);
    const y = p ? parseYear(p[1]!) : null;
    if (y) {
      year = y;
      yearSource = 'statistics_period';
    }
  }
  if (!year && opts.url) {
    const u = /\/((?:19|20)\d{2})(?:\d{2})?(?:\/|\d{2}\/)/.exec(opts.url);
    if (u) {
      year = Number(u[1]) - 1;
      yearSource = 'url';
    }
  }
  const published = findPublishDate(lines);
  if (!year && published.date) {
    year = Number(published.date.slice(0, 4)) - 1;
    yearSource = 'publish_date';
  }
  const index = /索\s*引\s*号\s*[:：]?\s*([0-9A-Za-z][0-9A-Za-z\-/_.]{5,60})/.exec(full);
  const fee = /信息处理费[^。；]{0,30}?(\d+(?:\.\d+)?)\s*元/.exec(compact);
  const noFee = NO_FEE.some((re) => re.test(compact));
  const looksLikeReport = !!title || /政[府务]信息公开.{0,12}(?:年度报告|年报|工作报告)/.test(compact.slice(0, 3000));
  const titled = asAgency(fromTitle.agency);
  const agency = titled ?? bodyAgency(compact, lines);
  const agencySource: Report['agency_source'] = titled ? 'title' : agency ? 'body' : null;
  const aggregate =
    /汇总[^。]{0,30}(?:各|所属|有关)|全(?:市|县|区|省)(?:各级|共)?[^。]{0,10}(?:收到|受理)[^。]{0,10}申请/.test(
      compact,
    );
  const scope: Report['scope'] = aggregate
    ? 'aggregate'
    : agency && /(局|委员会|委|办公室|办|厅|中心|院|所|队|站|处|署|会)$/.test(agency)
      ? 'single'
      : 'unknown';
  return {
    looksLikeReport,
    report: {
      kind: 'ogi_annual_report',
      title,
      agency,
      agency_source: agencySource,
      report_year: year,
      year_source: yearSource,
      publish_date: published.date,
      publish_date_source: published.source,
      index_no: index?.[1] ?? null,
      scope,
      processing_fee_yuan: fee ? Number(fee[1]) : noFee ? 0 : null,
    },
  };
}
