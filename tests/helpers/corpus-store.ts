// The real corpus ingested ONCE per test run and dialect (through the CLI, as the README documents it),
// shared by every test file that needs an ingested corpus: the first file to ask ingests it, the others
// wait for it, and each gets its own copy to change (a copied SQLite file, or a Postgres database cloned
// with CREATE DATABASE … TEMPLATE). Ingesting the corpus costs a minute or more of CPU; copying it, a
// fraction of a second. The run's scratch folder comes from tests/helpers/global-setup.ts.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { DATABASE_URL, type StoreKind, withAdmin } from './stores.ts';

const exec = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../../bin/nianbao.js');
export const CORPUS = path.resolve(process.env.NIANBAO_CORPUS ?? '../shared/corpus');
/** Longest a test file waits for another to finish ingesting the corpus. */
const WAIT_MS = 900_000;

/** How the shared ingest went: the store, and the CLI's exit code and stderr. */
export interface CorpusIngest {
  target: string;
  code: number;
  stderr: string;
}

let ownRunDir: string | null = null;
/** The run's scratch folder (a folder of this process's own when the global setup did not run). */
function runDir(): string {
  try {
    const d = inject('runDir');
    if (d) return d;
  } catch {}
  ownRunDir ??= mkdtempSync(path.join(tmpdir(), 'nianbao-run-'));
  return ownRunDir;
}

const urlOf = (name: string) => {
  const u = new URL(DATABASE_URL!);
  u.pathname = `/${name}`;
  return u.toString();
};
const newDbName = () => `nianbao_test_corpus_${process.pid}_${randomBytes(5).toString('hex')}`;
/** Databases made for the run are listed in its folder, so the global teardown drops them. */
const remember = (dir: string, name: string) => appendFileSync(path.join(dir, 'databases.txt'), `${name}\n`);

/** Drop every database listed for the run (the global teardown). */
export async function dropRunDatabases(dir: string): Promise<void> {
  const list = path.join(dir, 'databases.txt');
  if (!existsSync(list) || !DATABASE_URL) return;
  const names = readFileSync(list, 'utf8').split('\n').filter(Boolean);
  await withAdmin(async (c) => {
    for (const n of names) {
      if (!/^nianbao_test_corpus_\w+$/.test(n)) throw new Error(`refusing to drop ${n}`);
      await c.query(`drop database if exists ${n} with (force)`);
    }
  });
}

/** `nianbao ingest CORPUS --db target`; exit 1 (some files unreadable, reported) is a normal outcome. */
async function ingest(target: string, cwd: string): Promise<CorpusIngest> {
  try {
    const r = await exec(process.execPath, [BIN, 'ingest', CORPUS, '--jobs', '2', '--db', target], {
      cwd,
      maxBuffer: 64 << 20,
    });
    return { target, code: 0, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stderr: string };
    if (x.code !== 1) throw new Error(`ingest of the corpus into ${target} failed (exit ${x.code}): ${x.stderr}`);
    return { target, code: 1, stderr: x.stderr };
  }
}

async function build(kind: StoreKind, dir: string): Promise<CorpusIngest> {
  const cwd = mkdtempSync(path.join(dir, `corpus-${kind}-`));
  if (kind === 'sqlite') return ingest(path.join(cwd, 'n.db'), cwd);
  const name = newDbName();
  remember(dir, name);
  await withAdmin((c) => c.query(`create database ${name}`));
  return ingest(urlOf(name), cwd);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The run's shared ingest of the corpus into `kind`: made by the first caller, awaited by the others. */
export async function sharedCorpusIngest(kind: StoreKind): Promise<CorpusIngest> {
  const dir = runDir();
  const done = path.join(dir, `corpus-${kind}.json`);
  let mine = false;
  try {
    mkdirSync(path.join(dir, `corpus-${kind}.lock`));
    mine = true;
  } catch {}
  if (mine) {
    let result: CorpusIngest | { error: string };
    try {
      result = await build(kind, dir);
    } catch (e) {
      result = { error: (e as Error).message };
    }
    writeFileSync(`${done}.tmp`, JSON.stringify(result));
    renameSync(`${done}.tmp`, done);
  }
  for (const until = Date.now() + WAIT_MS; !existsSync(done); await sleep(200))
    if (Date.now() > until) throw new Error(`waited ${WAIT_MS / 1000} s for another test file to ingest the corpus`);
  const r = JSON.parse(readFileSync(done, 'utf8')) as CorpusIngest | { error: string };
  if ('error' in r) throw new Error(r.error);
  return r;
}

/** A private copy of the run's ingested corpus in `kind`: a store target the caller may change. */
export async function corpusStoreCopy(kind: StoreKind): Promise<string> {
  const shared = await sharedCorpusIngest(kind);
  if (kind === 'sqlite') {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'nianbao-corpus-copy-')), 'n.db');
    copyFileSync(shared.target, file);
    // The CLI closed the store, so its write-ahead log was folded in; copy one if it was not.
    if (existsSync(`${shared.target}-wal`)) copyFileSync(`${shared.target}-wal`, `${file}-wal`);
    return file;
  }
  const name = newDbName();
  remember(runDir(), name);
  const template = new URL(shared.target).pathname.slice(1);
  await withAdmin((c) => c.query(`create database ${name} template ${template}`));
  return urlOf(name);
}
