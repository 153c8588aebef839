// A document that exceeds what one document may cost (LIMITS.doc, LIMITS.zip): its message is the
// one line `too large: …` printed after the file name, whatever reader found it.
export class BudgetError extends Error {
  override name = 'BudgetError';
  constructor(what: string) {
    super(`too large: ${what}`);
  }
}

/** Counts cells as table grids are expanded; throws once one table or the whole document is over. */
export class CellBudget {
  private total = 0;
  constructor(
    readonly maxTable: number,
    readonly maxDocument: number,
  ) {}
  /** Add `n` cells to the current table (which has `inTable` so far, these included). */
  add(n: number, inTable: number): void {
    this.total += n;
    if (inTable > this.maxTable)
      throw new BudgetError(`a table grid expands to more than ${this.maxTable} cells (merged cells overlapping?)`);
    if (this.total > this.maxDocument)
      throw new BudgetError(`the table grids expand to more than ${this.maxDocument} cells in all`);
  }
}
