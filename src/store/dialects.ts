// The two kysely dialects of the store, set up so that one set of migrations and one set of queries
// behave the same on both: SQLite (the laptop default) and PostgreSQL (a fleet's shared store).
import SQLite from 'better-sqlite3';
import {
  type ColumnDefinitionNode,
  CompiledQuery,
  type DataTypeNode,
  type DatabaseConnection,
  type Driver,
  type KyselyPlugin,
  OperationNodeTransformer,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  PostgresDialect,
  type QueryResult,
  type RootOperationNode,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type UnknownRow,
} from 'kysely';
import pg from 'pg';
import { log } from '../log.ts';

// ------------------------------------------------------------------ SQLite

/**
 * SQLite with every transaction begun IMMEDIATE (the write lock is taken at BEGIN, so two processes
 * never both read and then both try to write) and migrations run inside one such transaction
 * (SQLite's DDL is transactional; kysely's default adapter runs them outside any transaction and
 * without a lock, so two processes opening a new store both tried to create its tables).
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}
export class StoreSqliteDialect extends SqliteDialect {
  constructor(private readonly database: SQLite.Database) {
    super({ database });
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: this.database });
  }
  override createAdapter(): SqliteAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

/** Opens (or, unless mustExist, creates) an SQLite store file with the pragmas the store relies on. */
export function openSqliteDatabase(file: string, mustExist = false): SQLite.Database {
  const db = new SQLite(file, { fileMustExist: mustExist });
  // The busy timeout first: switching to WAL needs a lock another opener may hold for a moment.
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  return db;
}

// ------------------------------------------------------------------ PostgreSQL

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * pg returns int8 (count(), bigint columns) and numeric (sum()) as strings, which would compare and
 * add as text; the store's counts and ids fit a double, so they are parsed as numbers, per pool
 * (pg-boss's own pool keeps pg's defaults).
 */
export const STORE_PG_TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (v: string) => (v === null ? null : Number(v));
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/**
 * Migrations are written once with SQLite's column types; on Postgres they compile to the
 * equivalents: `integer primary key autoincrement` → `serial primary key` (Postgres has no
 * AUTO_INCREMENT keyword), `real` → `double precision` (Postgres `real` is 4 bytes and would round
 * 1234567.89 to 1234567.875), `blob` → `bytea`.
 */
class PostgresDdl extends OperationNodeTransformer {
  protected override transformColumnDefinition(node: ColumnDefinitionNode): ColumnDefinitionNode {
    const out = super.transformColumnDefinition(node);
    if (!out.autoIncrement) return out;
    const t = out.dataType.kind === 'DataTypeNode' ? (out.dataType as DataTypeNode).dataType : null;
    const serial = t === 'bigint' || t === 'int8' || t === 'bigserial' ? 'bigserial' : 'serial';
    return { ...out, autoIncrement: undefined, dataType: { kind: 'DataTypeNode', dataType: serial } as DataTypeNode };
  }
  protected override transformDataType(node: DataTypeNode): DataTypeNode {
    if (node.dataType === 'real') return { ...node, dataType: 'double precision' };
    if (node.dataType === 'blob') return { ...node, dataType: 'bytea' };
    return node;
  }
}
export class PostgresDdlPlugin implements KyselyPlugin {
  readonly #t = new PostgresDdl();
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const k = args.node.kind;
    return k === 'CreateTableNode' || k === 'AlterTableNode' ? this.#t.transformNode(args.node) : args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

export function postgresDialect(url: string, max = 10): PostgresDialect {
  const pool = new pg.Pool({ connectionString: url, max, types: STORE_PG_TYPES });
  // An idle connection the server ends (a restart, an idle timeout, pg_terminate_backend) is an
  // 'error' on the pool; unheard, it would end the process (`serve`, a worker). The pool has already
  // dropped that connection and opens another for the next query.
  pool.on('error', (err) => log.warn({ err: err.message }, 'store: an idle Postgres connection was closed'));
  return new PostgresDialect({ pool });
}
