// Typed table writers for the data package: CSV (RFC 4180, header row), JSON Lines, Parquet
// (hyparquet-writer: INT64 counts with nulls, DOUBLE amounts, DATE, BOOLEAN, UTF-8 strings that it
// dictionary-encodes when they repeat). Rows arrive in batches and leave at once: bounded memory.
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { fileWriter, ParquetWriter, type SchemaElement } from 'hyparquet-writer';
import type { FieldSpec } from './dictionary.ts';

export type Value = string | number | boolean | null;
export type Row = Record<string, Value>;
export const EXPORT_FORMATS = ['csv', 'jsonl', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface TableWriter {
  write(rows: Row[]): Promise<void>;
  close(): Promise<void>;
}

const csvField = (v: Value): string => {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

class TextWriter implements TableWriter {
  private readonly out: WriteStream;
  constructor(
    file: string,
    private readonly fields: FieldSpec[],
    private readonly format: 'csv' | 'jsonl',
  ) {
    this.out = createWriteStream(file);
    if (format === 'csv') this.out.write(`${fields.map((f) => f.name).join(',')}\n`);
  }
  async write(rows: Row[]): Promise<void> {
    const text = rows
      .map((r) =>
        this.format === 'csv'
          ? this.fields.map((f) => csvField(r[f.name] ?? null)).join(',')
          : JSON.stringify(Object.fromEntries(this.fields.map((f) => [f.name, r[f.name] ?? null]))),
      )
      .join('\n');
    if (text && !this.out.write(`${text}\n`)) await once(this.out, 'drain');
  }
  async close(): Promise<void> {
    this.out.end();
    await once(this.out, 'finish');
  }
}

function parquetElement(f: FieldSpec): SchemaElement {
  const base = { name: f.name, repetition_type: 'OPTIONAL' as const };
  switch (f.type) {
    case 'integer':
      return { ...base, type: 'INT64' };
    case 'number':
      return { ...base, type: 'DOUBLE' };
    case 'boolean':
      return { ...base, type: 'BOOLEAN' };
    case 'date':
      return { ...base, type: 'INT32', converted_type: 'DATE' };
    default:
      return { ...base, type: 'BYTE_ARRAY', converted_type: 'UTF8' };
  }
}

/** A value as the Parquet column wants it; a value that does not fit its type is an error, never rounded. */
function parquetValue(f: FieldSpec, v: Value): unknown {
  if (v === null || v === undefined) return null;
  switch (f.type) {
    case 'integer':
      if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`${f.name}: ${v} is not an integer`);
      return BigInt(v);
    case 'number':
      if (typeof v !== 'number') throw new Error(`${f.name}: ${v} is not a number`);
      return v;
    case 'boolean':
      return Boolean(v);
    case 'date':
      return new Date(`${v}T00:00:00Z`);
    default:
      return String(v);
  }
}

class ParquetTableWriter implements TableWriter {
  private readonly writer: ParquetWriter;
  constructor(
    file: string,
    private readonly fields: FieldSpec[],
  ) {
    this.writer = new ParquetWriter({
      writer: fileWriter(file),
      schema: [{ name: 'root', num_children: fields.length }, ...fields.map(parquetElement)],
      createdBy: 'nianbao',
    });
  }
  async write(rows: Row[]): Promise<void> {
    if (!rows.length) return;
    await this.writer.write({
      columnData: this.fields.map((f) => ({ name: f.name, data: rows.map((r) => parquetValue(f, r[f.name] ?? null)) })),
      rowGroupSize: rows.length,
    });
  }
  async close(): Promise<void> {
    await this.writer.finish();
  }
}

export function tableWriter(file: string, fields: FieldSpec[], format: ExportFormat): TableWriter {
  return format === 'parquet' ? new ParquetTableWriter(file, fields) : new TextWriter(file, fields, format);
}
