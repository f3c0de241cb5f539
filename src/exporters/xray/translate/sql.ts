import type { Attributes } from '@opentelemetry/api';
import { safeUrl } from '../../../http/url';
import type { Consumed } from './attributes';
import { NOTHING_CONSUMED, int, str } from './attributes';
import type { SqlData } from './types';

/**
 * The `sql` block (collector `sql.go`, mapping §9) for SQL databases, from old (`db.system`, `db.name`,
 * `db.statement`, `db.user`) and stable (`db.system.name`, `db.namespace`, `db.query.text`, `user.name`) keys alike
 * (decision 1). Other databases (redis, mongodb…) get no block and keep their `db.*` keys in metadata.
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
}

export function makeSql(attrs: Attributes): SqlResult {
  const system = str(attrs, 'db.system.name') ?? str(attrs, 'db.system');
  if (system === undefined || !SQL_SYSTEMS.has(system)) return { sql: undefined, consumed: NOTHING_CONSUMED };

  const sql: SqlData = { database_type: system };
  const conn = str(attrs, 'db.connection_string');
  const namespace = str(attrs, 'db.namespace') ?? str(attrs, 'db.name');
  if (conn !== undefined && conn.includes('://')) {
    // "url: For URL connection strings … without passwords" (segment documents, "SQL queries").
    sql.url = withoutPassword(conn);
  } else if (conn !== undefined) {
    // Keyword form (`Server=db;User Id=app;Password=…`): mask the password, never send it.
    sql.connection_string = conn.replace(KEYWORD_PASSWORD_RE, '$1=****');
  } else {
    const host = str(attrs, 'server.address') ?? str(attrs, 'net.peer.name');
    const port = int(attrs, 'server.port') ?? int(attrs, 'net.peer.port');
    if (host !== undefined || namespace !== undefined) {
      // The collector's `<host>/<database>` form, with `localhost` when the host is unknown.
      sql.connection_string = `${host ?? 'localhost'}${port === undefined ? '' : `:${port}`}/${namespace ?? ''}`;
    }
  }
  const user = str(attrs, 'db.user') ?? str(attrs, 'user.name');
  if (user !== undefined) sql.user = user;
  const query = str(attrs, 'db.query.text') ?? str(attrs, 'db.statement');
  if (query !== undefined) sql.sanitized_query = query;
  return { sql, consumed: SQL_KEYS };
}

const KEYWORD_PASSWORD_RE = /\b(password|pwd)\s*=[^;]*/gi;

/**
 * `postgres://app:secret@db/x` → `postgres://app@db/x`: the user stays (X-Ray's `sql.url` is "without passwords"),
 * the password goes even when it contains `@`, and sensitive query values (`?password=…`) are redacted.
 */
export function withoutPassword(url: string): string {
  const safe = safeUrl(url);
  const start = url.indexOf('://') + 3;
  const slash = url.slice(start).search(/[/?#]/);
  const authority = slash < 0 ? url.slice(start) : url.slice(start, start + slash);
  const at = authority.lastIndexOf('@');
  if (at < 0) return safe;
  // safeUrl dropped the whole user-info; put the user name back.
  const colon = authority.indexOf(':');
  const user = authority.slice(0, colon >= 0 && colon < at ? colon : at);
  return user === '' ? safe : `${safe.slice(0, start)}${user}@${safe.slice(start)}`;
}
