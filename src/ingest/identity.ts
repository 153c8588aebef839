// Who published a document, and for which year: one report per agency and year whatever the copy.
// In order: the agency the document prints (when it looks like a government body), the report page
// that linked to it (attachments belong to their page), another copy printing the same values, the
// registry source that led to it. A string that is not a body never becomes a report key.
import { createHash } from 'node:crypto';
import type { ReportRecord } from '../record.ts';
import { LIMITS } from '../settings.ts';
import type { RunIdentity, Store } from '../store/store.ts';

/** What the crawler knows about a document besides its bytes. */
export interface CrawlContext {
  /** The registry source's agency. */
  sourceAgency?: string | null;
  /** The URL of the page that linked to this document. */
  referrer?: string | null;
}

// The endings of Chinese government body names (政府, 办公厅, 局, 委员会, 街道办事处, 实验区 …).
const BODY_END =
  /(?:府|厅|局|委|会|办|室|院|所|队|站|处|署|部|中心|区|县|市|省|州|盟|旗|镇|乡|街道|馆|社|团|台|场|关|庭|监狱|大学|集团|公司)$/;
// Words of a title or a sentence, never of a name.
const NOT_A_NAME =
  /年度|年报|报告|信息公开|政务公开|公布|发布|特向|现将|根据|按照|社会|[0-9〇○零一二三四五六七八九十]{2,}年|[，,。：:；;！!？?“”"、]/;

/**
 * The agency as a report key may use it (NFKC, no spaces), or null when it does not look like a
 * government body: a lone character, a fragment of the title's year ("年"), a sentence.
 */
export function bodyName(agency: string | null | undefined): string | null {
  if (!agency) return null;
  const a = agency.normalize('NFKC').replace(/\s+/g, '');
  if (a.length < 2 || a.length > LIMITS.identity.maxAgencyLength) return null;
  if (!/^[\p{Script=Han}()（）·]+$/u.test(a)) return null;
  if (NOT_A_NAME.test(a) || /^[年度的及与之我该]/.test(a)) return null;
  if (!BODY_END.test(a) || a.length < 3) return null;
  return a;
}

/**
 * A hash of the non-zero numbers a copy prints, or null when there are too few to tell one report
 * from another (all-zero tables are common). Zeros and blanks are left out: renderings of one
 * report may print a blank as 0 or leave it out.
 */
export function copySignature(record: ReportRecord): string | null {
  const values = record.cells
    .filter((c) => c.kind === 'number' && c.value !== 0 && !c.source.ocr)
    .map((c) => `${c.table}|${c.row}|${c.col}=${c.value}`)
    .sort();
  if (values.length < LIMITS.identity.minSignatureValues) return null;
  return createHash('sha256').update(values.join('\n')).digest('hex').slice(0, 32);
}

export async function identify(store: Store, record: ReportRecord, ctx: CrawlContext): Promise<RunIdentity> {
  const signature = copySignature(record);
  const r = record.report;
  if (r.kind === 'not_a_report') return { agency: null, year: r.report_year, agencySource: null, signature };
  let agency = bodyName(r.agency);
  let year = r.report_year;
  let agencySource: RunIdentity['agencySource'] = agency ? 'document' : null;
  if (agency && year) return { agency, year, agencySource, signature };
  // An attachment of a report page inherits the page's agency and year where its own are missing.
  const page = ctx.referrer ? await store.reportSeenAt(ctx.referrer) : null;
  if (page?.agency_source && page.kind !== 'not_a_report') {
    year ??= page.report_year;
    if (!agency) {
      agency = page.agency;
      agencySource = 'referrer';
    }
  }
  // Another copy (a rendering of the same report) printing the same values, when it is the only one.
  if ((!agency || !year) && signature) {
    const copies = (await store.reportsWithSignature(signature)).filter(
      (c) => (!year || c.report_year === year) && (!agency || bodyName(c.agency) === agency),
    );
    if (copies.length === 1) {
      year ??= copies[0]!.report_year;
      if (!agency) {
        agency = copies[0]!.agency;
        agencySource = 'copy';
      }
    }
  }
  if (!agency) {
    agency = bodyName(ctx.sourceAgency);
    if (agency) agencySource = 'registry';
  }
  return { agency, year, agencySource: agency ? agencySource : null, signature };
}
