// Normalisation tables for printed labels. Applied after NFKC, whitespace and quote removal,
// and traditional → simplified conversion (see src/extract/normalize.ts).

/** Phrase fixes after traditional → simplified conversion (OpenCC maps 檔案 to 档案, not 文件). */
export const PHRASE_FIXES: ReadonlyArray<readonly [string, string]> = [
  ['规范性档案', '规范性文件'],
  ['档案', '文件'],
];

/** Known typos in published reports, mapped to the template wording. */
export const TYPO_FIXES: ReadonlyArray<readonly [string, string]> = [
  ['本机不掌握', '本机关不掌握'],
  ['上年转结', '上年结转'],
  ['结转下一年度', '结转下年度'],
  ['其他法律行政止公开', '其他法律行政法规禁止公开'],
  ['上一年年目数量', '上一年项目数量'],
];

/** Characters dropped from labels before matching: quotes and decorative marks. */
export const DROP_CHARS = /["'“”‘’「」『』〝〞*＊]/g;

/** Taiwan/Hong Kong wordings in running text, after character conversion (资讯 = 信息). */
export const TEXT_PHRASE_FIXES: ReadonlyArray<readonly [string, string]> = [['资讯', '信息']];
