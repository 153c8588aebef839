// Every known report format. A new State Council revision is a new template file added here.
import type { FormatTemplate } from './template.ts';
import { v2019 } from './ogi-v2019.ts';
import { v2021 } from './ogi-v2021.ts';

export const TEMPLATES: readonly FormatTemplate[] = [v2021, v2019];
export type { FormatTemplate, RowSpec, TableTemplate } from './template.ts';
export { TABLE3_COLS, TABLE3_APPLICANT_COLS, TABLE3_LEGAL_COLS, TABLE4_COLS } from './ogi-common.ts';
/** Bump when templates or extraction change what a document yields: the store keys runs by it. */
export const PARSER_VERSION = '0.1.0';
