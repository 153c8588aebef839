// Every limit and tolerance in one place: what one document may cost, what a download may cost, how
// politely a host is treated. Modules read their numbers from here; the README's Limits table
// mirrors it.
const MiB = 1024 * 1024;

/** A positive number from the environment, else the default (a bad value is ignored, not fatal). */
const envNumber = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

export const LIMITS = {
  input: {
    /** Larger files are refused before they are read into memory. */
    maxBytes: 60 * MiB,
    /** HTML or text larger than this is refused (it is no report). */
    maxTextBytes: 20 * MiB,
  },
  html: {
    /** A merge wider or taller than this is clamped. */
    maxSpanCols: 64,
    maxSpanRows: 400,
  },
  pdf: {
    maxPages: 60,
    /** Fewer characters than this per page means a scan (or a text layer that lies). */
    minCharsPerPage: 20,
  },
  ocr: {
    maxPages: 12,
    /** A number read with less confidence (percent) is not read as a number. */
    minValueConfidence: 60,
    /** Above this confidence (percent) a digits-only reading is taken without a chi_sim second look. */
    digitsConfidence: 75,
    /** Resolution (dpi) tesseract reads cell crops at: a scan is rescaled from its own resolution. */
    targetDpi: 300,
    /** Never shrink; never enlarge more than this (bilinear enlargement of a coarse scan blurs digits). */
    maxScale: 2,
  },
  zip: {
    maxUnzippedBytes: 200 * MiB,
    maxEntries: 5000,
    /** Compression ratio above which a large entry is refused. */
    maxRatio: 200,
  },
  fetch: {
    /** Longest silence (connect, headers, between body chunks). */
    timeoutMs: 30_000,
    /** Longest a whole request may take, however steadily a server drips bytes. */
    deadlineMs: 120_000,
    maxBytes: 50 * MiB,
    maxRedirects: 5,
    retries: 3,
    maxWaitMs: 120_000,
    backoffMs: 2_000,
  },
  throttle: { minDelayMs: 1000, maxDelayMs: 60_000, targetConcurrency: 1 },
  url: { maxLength: 300, maxQueryParams: 6, maxPathSegments: 12 },
  export: {
    /** Reports read and written per batch by the data package (one Parquet row group per batch). */
    pageReports: 200,
  },
  identity: {
    /** A longer "agency" is a sentence, not a body's name. */
    maxAgencyLength: 40,
    /** Copies are matched by their printed values only when this many are non-zero. */
    minSignatureValues: 8,
  },
  crawl: {
    /** Requests in flight at once across all hosts (each host is always one at a time). */
    maxConnections: 64,
    /** A store lock whose heartbeat is older than this belongs to a dead process and is taken over. */
    lockStaleMs: 60_000,
    lockHeartbeatMs: 10_000,
    /** Years from which every source should have a report (the 2019 format revision). */
    firstReportYear: 2019,
  },
  /** The review desk (`nianbao serve`). */
  serve: {
    /** PDF pages are drawn at this resolution for the source pane. */
    renderDpi: 96,
    renderTimeoutMs: 20_000,
    /** Rendered pages kept in memory. */
    renderCacheEntries: 200,
    /** Queue items per page (at most 500 through ?limit=). */
    pageSize: 50,
  },
  fleet: {
    /** A fetch or extract job whose worker has not finished it by then is retried elsewhere. */
    fetchExpireSeconds: 300,
    extractExpireSeconds: 900,
    /** Retries after a failure or an expiry (a worker killed with -9), then the job fails. */
    retryLimit: 3,
    retryDelaySeconds: 30,
    /** How often an idle worker asks the queue for work (pg-boss's minimum is 0.5 s). */
    pollingIntervalSeconds: 1,
    /** How often pg-boss looks for expired jobs (and archives old ones). */
    maintenanceIntervalSeconds: 60,
    /** On stop, jobs in flight get this long to finish before they are failed (and retried). */
    stopTimeoutMs: 30_000,
    /** Longest wait between two claims of a host another worker holds. */
    hostPollMs: 250,
    /** A host job crawls its host this long at most, then queues itself again (well below fetchExpireSeconds). */
    hostJobBudgetMs: 120_000,
    /** A host job's lock whose heartbeat is older than this (its worker died on another machine) is taken over. */
    hostLockStaleMs: 60_000,
    /** How often `crawl --workers` looks whether the crawl is done or a host was left without a job. */
    sweepMs: 1000,
    /** A host claimed for a request is freed after this even if its holder dies. */
    hostLeaseMs: 120_000,
    /**
     * Connections a Postgres store keeps apart for named locks (Store.exclusive): a process waiting
     * for a lock holds one of these, never one its lock holder needs for queries.
     */
    lockConnections: 4,
    /**
     * Documents a worker (or `crawl --workers`) reads at once by default: its cores, at most this
     * many (each in a child process under the per-document budgets, LIMITS.doc).
     */
    maxExtractJobs: 8,
    /**
     * Extract jobs in flight per document read at once: the rest of a job is store round trips
     * (the bytes, the run, the rules), which overlap with the other jobs' reading.
     */
    extractJobsPerReader: 4,
  },
  /**
   * What reading and extracting one document may cost. It runs in a child process (src/isolate/):
   * over the memory or time budget the child is killed and the document recorded as failed.
   */
  doc: {
    /** V8 heap limit of the child (MB); env NIANBAO_DOC_MEMORY_MB. */
    memoryMb: envNumber('NIANBAO_DOC_MEMORY_MB', 1024),
    /** Resident memory above memoryMb + this (buffers live outside the V8 heap; the code itself takes ~150 MB) kills the child. */
    rssHeadroomMb: 256,
    /**
     * Time limit per document (s), in CPU seconds of its child process, so that a loaded machine does
     * not fail good documents; env NIANBAO_DOC_TIMEOUT_S. OCR of a 4-page scan takes ≈10 s.
     */
    timeoutS: envNumber('NIANBAO_DOC_TIMEOUT_S', 60),
    /** Wall-clock limit per document, as a multiple of timeoutS (a document that waits on nothing). */
    wallFactor: 5,
    /** How often the child's resident memory and CPU time are looked at. */
    rssPollMs: 100,
    /** Cells of all HTML/DOCX table grids of one document, merges expanded (a report has < 2000). */
    maxGridCells: 1_000_000,
    /** Cells of one table grid, merges expanded. */
    maxTableCells: 500_000,
    /** Findings of one rule on one table beyond this are collapsed into one finding with a count. */
    maxFindingsPerRuleAndTable: 50,
  },
  /** Images larger than this (pixels) are not decoded by pdf.js (a 150 dpi A4 scan is ~2.2 M). */
  pdfImage: { maxPixels: 50_000_000 },
} as const;
