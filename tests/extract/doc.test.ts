// Legacy Word (.doc, and .wps saved as OLE): fixtures are the project's HTML rendering converted by
// LibreOffice (installed by .ci/run); read with word-extractor as a token stream.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PLAIN } from '../../src/demo/layout.ts';
import { renderHtml } from '../../src/demo/render.ts';
import { extractBytes } from '../../src/pipeline.ts';
import { fixtureReport } from '../render/arbitrary.ts';
import { expectPositionedRoundTrip, hasCommand } from '../helpers/positioned.ts';
import { needs } from '../helpers/needs.ts';

const hasSoffice = needs(hasCommand('soffice', ['--version']), 'soffice (LibreOffice), for the .doc round trip');

const PROFILE = mkdtempSync(path.join(tmpdir(), 'nianbao-lo-')); // one LibreOffice profile: faster starts

function toDoc(html: Uint8Array): Uint8Array {
  const dir = mkdtempSync(path.join(tmpdir(), 'nianbao-doc-'));
  writeFileSync(path.join(dir, 'r.html'), html);
  execFileSync(
    'soffice',
    [
      '--headless',
      `-env:UserInstallation=file://${PROFILE}`,
      '--convert-to',
      'doc:MS Word 97',
      '--outdir',
      dir,
      path.join(dir, 'r.html'),
    ],
    { stdio: 'ignore' },
  );
  return readFileSync(path.join(dir, 'r.doc'));
}

describe.skipIf(!hasSoffice)('.doc round trip', () => {
  it('every printed number comes back; a .wps name over OLE bytes is routed by content', async () => {
    await fc.assert(
      fc.asyncProperty(fixtureReport({ allowBlank: true }), fc.boolean(), async (r, asWps) => {
        const rec = await extractBytes(toDoc(renderHtml(r, PLAIN)), { path: asWps ? 'report.wps' : 'report.doc' });
        expect(rec.source.media).toBe('doc');
        expectPositionedRoundTrip(r, rec, { positions: false });
      }),
      { numRuns: Number(process.env.NIANBAO_DOC_RUNS ?? 4) },
    );
  }, 120_000);
});
