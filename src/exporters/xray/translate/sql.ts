import type { Attributes } from '@opentelemetry/api';
import { redactConnectionString } from '../../../http/redact';
import type { Consumed, Unused } from './attributes';
import { NOTHING_CONSUMED, capped, int, keepIfPresent, str } from './attributes';
import type { SqlData } from './types';

/**
 * The `sql` block (collector `sql.go`) for SQL databases, from old (`db.system`, `db.name`, `db.statement`, `db.user`)
 * and stable (`db.system.name`, `db.namespace`, `db.query.text`, `user.name`) keys alike; by default the collector
 * reads only the old ones. Other databases (redis, mongodb…) get no block and keep their `db.*` keys in metadata.
 */

/** The collector's SQL list plus the stable-convention names of the same systems (semconv 1.38 `db.system.name`). */
const SQL_SYSTEMS: ReadonlySet<string> = new Set([
  'db2', 'ibm.db2', 'derby', 'hive', 'mariadb', 'mssql', 'microsoft.sql_server', 'mysql', 'oracle', 'oracle.db',
  'postgresql', 'sqlite', 'teradata', 'other_sql',
]);

export const SQL_KEYS: Consumed = new Set([
  'db.system', 'db.system.name', 'db.name', 'db.namespace', 'db.statement', 'db.query.text', 'db.user', 'user.name',
  'db.connection_string', 'server.address', 'server.port', 'net.peer.name', 'net.peer.port',
]);

export interface SqlResult {
  sql: SqlData | undefined;
  consumed: Consumed;
  /** Keys of `consumed` that produced no field: they stay in metadata. */
  unused?: Unused;
}

const HOST_KEYS = ['server.address', 'server.port', 'net.peer.name', 'net.peer.port'] as const;

export function makeSql(attrs: Attributes): SqlResult {
  const system = str(attrs, 'db.system.name') ?? str(attrs, 'db.system');
  if (system === undefined || !SQL_SYSTEMS.has(system)) return { sql: undefined, consumed: NOTHING_CONSUMED };

  const sql: SqlData = { database_type: capped(system) };
  const conn = str(attrs, 'db.connection_string');
  let unused: Unused;
  const namespace = str(attrs, 'db.namespace') ?? str(attrs, 'db.name');
  if (conn !== undefined && conn.includes('://')) {
    // "url: For URL connection strings … without passwords" (segment documents, "SQL queries"); JDBC URLs may carry
    // `;password=…` properties too, so the whole connection-string scrubber runs.
    sql.url = redactConnectionString(conn);
  } else if (conn !== undefined) {
    // Keyword, Oracle or DSN form (`Server=db;User Id=app;Password=…`): mask the password, never send it.
    sql.connection_string = redactConnectionString(conn);
  }
  if (conn !== undefined) {
    // The block shows the connection string; the host and port the span names (resolved, maybe another) stay.
    for (const key of HOST_KEYS) unused = keepIfPresent(attrs, key, unused);
  } else {
    const host = str(attrs, 'server.address') ?? str(attrs, 'net.peer.name');
    const port = int(attrs, 'server.port') ?? int(attrs, 'net.peer.port');
    if (host !== undefined || namespace !== undefined) {
      // The collector's `<host>/<database>` form, with `localhost` when the host is unknown.
      sql.connection_string = `${host ?? 'localhost'}${port === undefined ? '' : `:${port}`}/${namespace ?? ''}`;
    }
  }
  const user = str(attrs, 'db.user') ?? str(attrs, 'user.name');
  if (user !== undefined) sql.user = capped(user);
  const query = str(attrs, 'db.query.text') ?? str(attrs, 'db.statement');
  if (query !== undefined) sql.sanitized_query = query;
  return { sql, consumed: SQL_KEYS, unused };
}
