// Table grids in page images (scans): ruling lines found by runs of dark pixels, then cells band by
// band (each band between two horizontal rules has its own vertical rules, so merged cells come out
// as wide or tall cells). Pure pixel arithmetic: no model, easy to test.

export interface Gray {
  width: number;
  height: number;
  /** 0 = black … 255 = white, row-major */
  data: Uint8Array;
}

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface GridBand {
  box: Box;
  cells: Box[];
}

const DARK = 128;

export function toGray(width: number, height: number, data: Uint8Array | Uint8ClampedArray, channels: number): Gray {
  const out = new Uint8Array(width * height);
  if (channels === 1) out.set(data.subarray(0, width * height));
  else for (let i = 0, j = 0; i < out.length; i++, j += channels) out[i] = (data[j]! + data[j + 1]! + data[j + 2]!) / 3;
  return { width, height, data: out };
}

/** Rows (or columns) whose longest dark run is at least `min` pixels, merged into line centres. */
function rules(len: number, span: number, dark: (i: number, k: number) => boolean, min: number): number[] {
  const hits: number[] = [];
  for (let i = 0; i < len; i++) {
    let run = 0;
    let best = 0;
    for (let k = 0; k < span; k++) {
      if (dark(i, k)) {
        run++;
        if (run > best) best = run;
      } else run = 0;
    }
    if (best >= min) hits.push(i);
  }
  const out: number[] = [];
  let start = -1;
  hits.forEach((h, n) => {
    if (start < 0) start = h;
    if (n === hits.length - 1 || hits[n + 1]! > h + 2) {
      out.push(Math.round((start + h) / 2));
      start = -1;
    }
  });
  return out;
}

/** Horizontal ruling lines: dark runs over a quarter of the page width. */
export function horizontalRules(g: Gray): number[] {
  return rules(g.height, g.width, (y, x) => g.data[y * g.width + x]! < DARK, Math.floor(g.width / 4));
}

/** The bands between consecutive horizontal rules that have at least two vertical rules (table rows). */
export function gridBands(g: Gray): GridBand[] {
  const hs = horizontalRules(g);
  const bands: GridBand[] = [];
  for (let i = 0; i + 1 < hs.length; i++) {
    const y0 = hs[i]!,
      y1 = hs[i + 1]!;
    const h = y1 - y0;
    if (h < 8) continue;
    // A vertical rule crosses (almost) the whole band.
    const vs = rules(g.width, h, (x, k) => g.data[(y0 + k) * g.width + x]! < DARK, Math.floor(h * 0.8));
    if (vs.length < 2) continue;
    const cells: Box[] = [];
    for (let k = 0; k + 1 < vs.length; k++)
      if (vs[k + 1]! - vs[k]! > 6) cells.push({ x0: vs[k]!, y0, x1: vs[k + 1]!, y1 });
    bands.push({ box: { x0: vs[0]!, y0, x1: vs[vs.length - 1]!, y1 }, cells });
  }
  return bands;
}

/** A cell's inside, ruling lines trimmed, as a PGM-free grey image crop; null when it has no ink. */
export function crop(g: Gray, b: Box, pad = 3): Gray | null {
  const x0 = b.x0 + pad,
    y0 = b.y0 + pad,
    x1 = b.x1 - pad,
    y1 = b.y1 - pad;
  if (x1 - x0 < 4 || y1 - y0 < 4) return null;
  const w = x1 - x0,
    h = y1 - y0;
  const data = new Uint8Array(w * h);
  let ink = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = g.data[(y0 + y) * g.width + x0 + x]!;
      data[y * w + x] = v;
      if (v < DARK) ink++;
    }
  }
  return ink >= 6 ? { width: w, height: h, data } : null;
}

/** Width / height of the inked part of an image: a number is short, a label usually long. */
export function inkAspect(g: Gray): number {
  let x0 = g.width,
    x1 = -1,
    y0 = g.height,
    y1 = -1;
  for (let y = 0; y < g.height; y++) {
    for (let x = 0; x < g.width; x++) {
      if (g.data[y * g.width + x]! >= DARK) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  return x1 < 0 ? 0 : (x1 - x0 + 1) / (y1 - y0 + 1);
}
