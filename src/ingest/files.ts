// Files to ingest: explicit files as given, folders walked recursively for report-like files.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** What a folder walk picks up; an explicitly named file is always tried. */
export const REPORT_EXTENSIONS = new Set([
  '.html',
  '.htm',
  '.shtml',
  '.txt',
  '.pdf',
  '.doc',
  '.docx',
  '.wps',
  '.ofd',
  '.md',
]);

export async function collectFiles(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && REPORT_EXTENSIONS.has(path.extname(e.name).toLowerCase())) out.push(p);
    }
  };
  for (const p of paths) {
    const st = await stat(p).catch(() => null);
    if (st?.isDirectory()) await walk(p);
    else out.push(p);
  }
  return out;
}
