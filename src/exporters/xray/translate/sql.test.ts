import { SpanKind } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createSegmentTranslator } from './segment';
import { SQL_KEYS, makeSql } from './sql';
import { withoutPassword } from '../../../http/redact';
import { PARENT, createTestTracing } from '../../../../test/helpers/translator';

const { span } = createTestTracing();
const translate = createSegmentTranslator();

describe('makeSql', () => {
  it('should map stable db conventions and build <host>:<port>/<namespace>', () => {
    const s = span({
      kind: SpanKind.CLIENT,
      attributes: {
        'db.system.name': 'postgresql',
        'db.namespace': 'cruddur',
        'db.query.text': 'SELECT * FROM activities WHERE uuid = $1',
        'user.name': 'app',
        'server.address': 'db.internal',
        'server.port': 5432,
      },
    });
    expect(makeSql(s.attributes)).toEqual({
      sql: {
        database_type: 'postgresql',
        connection_string: 'db.internal:5432/cruddur',
        user: 'app',
        sanitized_query: 'SELECT * FROM activities WHERE uuid = $1',
      },
      consumed: SQL_KEYS,
    });
  });

  it('should map old db conventions; a URL connection string becomes url, without its password', () => {
    const s = span({
      kind: SpanKind.CLIENT,
      attributes: {
        'db.system': 'mysql',
        'db.name': 'customers',
        'db.statement': 'SELECT 1',
        'db.user': 'readonly_user',
        'db.connection_string': 'jdbc:mysql://readonly_user:hunter2@db.dev.example.com:3306',
      },
    });
    expect(makeSql(s.attributes).sql).toEqual({
      database_type: 'mysql',
      url: 'jdbc:mysql://readonly_user@db.dev.example.com:3306',
      user: 'readonly_user',
      sanitized_query: 'SELECT 1',
    });
  });

  it('should keep a non-URL connection string as connection_string and default the host to localhost', () => {
    expect(makeSql({ 'db.system': 'mssql', 'db.connection_string': 'Server=db;Database=x' }).sql?.connection_string).toBe('Server=db;Database=x');
    expect(makeSql({ 'db.system': 'mysql', 'db.name': 'customers' }).sql?.connection_string).toBe('localhost/customers');
  });

  it('should produce nothing for non-SQL systems, leaving db.* for metadata', () => {
    expect(makeSql({ 'db.system': 'redis', 'db.statement': 'GET x' })).toEqual({ sql: undefined, consumed: new Set() });
    const doc = translate(span({ kind: SpanKind.CLIENT, parent: PARENT, attributes: { 'db.system': 'redis', 'db.statement': 'GET x', 'server.address': 'cache' } }));
    expect(doc?.sql).toBeUndefined();
    expect(doc?.name).toBe('cache');
    expect(doc?.metadata?.default).toEqual({ 'db.system': 'redis', 'db.statement': 'GET x', 'server.address': 'cache' });
  });

  it('should remove passwords from URLs only', () => {
    expect(withoutPassword('postgres://app:secret@db:5432/x')).toBe('postgres://app@db:5432/x');
    expect(withoutPassword('postgres://app@db/x')).toBe('postgres://app@db/x');
    expect(withoutPassword('postgres://db/x?password=1')).toBe('postgres://db/x?password=REDACTED');
    expect(withoutPassword('postgres://app:p@ss@db/x')).toBe('postgres://app@db/x');
    expect(withoutPassword('postgres://db/a@b?password=1')).toBe('postgres://db/a@b?password=REDACTED');
  });
});

describe('SQL subsegments', () => {
  it('should be named <db.namespace>@<server.address> with namespace remote and no db keys in metadata', () => {
    const doc = translate(
      span({
        name: 'pg.query:SELECT cruddur',
        kind: SpanKind.CLIENT,
        parent: PARENT,
        attributes: {
          'db.system.name': 'postgresql',
          'db.namespace': 'cruddur',
          'db.query.text': 'SELECT 1',
          'server.address': 'db.internal',
          'db.operation.name': 'SELECT',
        },
      }),
    );
    expect(doc).toMatchObject({
      name: 'cruddur@db.internal',
      type: 'subsegment',
      namespace: 'remote',
      parent_id: PARENT.spanId,
      sql: { database_type: 'postgresql', connection_string: 'db.internal/cruddur', sanitized_query: 'SELECT 1' },
      metadata: { default: { 'db.operation.name': 'SELECT' } },
    });
  });
});

describe('connection strings in keyword form', () => {
  it('should mask the password and keep the rest', () => {
    const { sql } = makeSql({ 'db.system': 'mssql', 'db.connection_string': 'Server=db;User Id=app;Password=hunter2;Database=x' });
    expect(sql?.connection_string).toBe('Server=db;User Id=app;Password=****;Database=x');
  });
});
