import { describe, expect, it } from 'vitest';
import { isSensitiveKey, redactAttribute, redactConnectionString, redactQuery, safeUrl } from './redact';

/** What must never be seen again after redaction. */
const SECRET = 'S3cr3t-v4lue';

describe('redactQuery', () => {
  // OpenTelemetry's semantic conventions (`url.query`, `url.full`): values of these keys SHOULD be redacted by default.
  const OTEL_DEFAULTS = ['AWSAccessKeyId', 'Signature', 'sig', 'X-Goog-Signature', 'X-Amz-Signature', 'X-Amz-Credential', 'X-Amz-Security-Token'];
  const COMMON = [
    'token', 'access_token', 'id_token', 'refresh_token', 'client_secret', 'password', 'passwd', 'pwd', 'api_key', 'apiKey',
    'api-key', 'key', 'subscription-key', 'jwt', 'otp', 'totp', 'hmac', 'SAMLResponse', 'SAMLRequest', 'code', 'code_verifier',
    'session', 'sessionid', 'PHPSESSID', 'auth', 'authorization', 'X-Goog-Credential', 'AccountKey', 'ticket', 'assertion',
    'client_assertion', 'private_key', 'passphrase', 'pin', 'credentials',
  ];

  it.each([...OTEL_DEFAULTS, ...COMMON])('should redact the value of %s', (key) => {
    expect(redactQuery(`q=1&${key}=${SECRET}&page=2`)).toBe(`q=1&${key}=REDACTED&page=2`);
  });

  it.each(['q', 'page', 'monkey', 'zipcode', 'keyword', 'state', 'sort', 'designation', 'spinner'])('should keep the value of %s', (key) => {
    expect(redactQuery(`${key}=visible`)).toBe(`${key}=visible`);
  });

  it('should match keys after percent-decoding (once or twice) and + as space, and keep the key as sent', () => {
    expect(redactQuery(`%74oken=${SECRET}`)).toBe('%74oken=REDACTED');
    expect(redactQuery(`x=1&%2574oken=${SECRET}`)).toBe('x=1&%2574oken=REDACTED');
    expect(redactQuery(`access+token=${SECRET}`)).toBe('access+token=REDACTED');
    expect(redactQuery(`%E0%A4%A=${SECRET}`)).toBe('%E0%A4%A=REDACTED'); // undecodable: we cannot tell, so hide it
  });

  it('should split at ; as well as &', () => {
    expect(redactQuery(`q=1;token=${SECRET};page=2`)).toBe('q=1;token=REDACTED;page=2');
    expect(redactQuery(`q=1;page=2&sig=${SECRET}`)).toBe('q=1;page=2&sig=REDACTED');
  });

  it('should leave keys without a value, and a query with nothing sensitive, as they are', () => {
    expect(redactQuery('token&token=&=x')).toBe('token&token=&=x');
    const query = 'q=shoes&page=2';
    expect(redactQuery(query)).toBe(query);
  });
});

describe('isSensitiveKey', () => {
  it('should see words in any case and separator style', () => {
    for (const key of ['X-AMZ-SIGNATURE', 'xAmzSignature', 'x.amz.signature', 'ACCESS_TOKEN', 'accessToken', 'AWSAccessKeyId']) {
      expect(isSensitiveKey(key)).toBe(true);
    }
    expect(isSensitiveKey('monkey')).toBe(false);
  });
});

describe('safeUrl', () => {
  it('should drop user-info and redact the query and the fragment', () => {
    expect(safeUrl(`https://u:${SECRET}@api.example.com/x?%74oken=${SECRET};q=a#access_token=${SECRET}&state=s`)).toBe(
      'https://api.example.com/x?%74oken=REDACTED;q=a#access_token=REDACTED&state=s',
    );
  });
});

describe('redactConnectionString', () => {
  const cases: [string, string][] = [
    [`postgres://app:${SECRET}@db:5432/shop`, 'postgres://app@db:5432/shop'],
    [`postgresql://app:${SECRET}@db/shop?sslmode=require&password=${SECRET}`, 'postgresql://app@db/shop?sslmode=require&password=****'],
    [`mysql://root:p@${SECRET}@db/shop`, 'mysql://root@db/shop'],
    [`mongodb+srv://app:${SECRET}@cluster0.example.net/shop?retryWrites=true`, 'mongodb+srv://app@cluster0.example.net/shop?retryWrites=true'],
    [`redis://:${SECRET}@cache:6379/0`, 'redis://cache:6379/0'],
    [`jdbc:sqlserver://db:1433;databaseName=shop;user=sa;password=${SECRET};encrypt=true`, 'jdbc:sqlserver://db:1433;databaseName=shop;user=sa;password=****;encrypt=true'],
    [`jdbc:postgresql://db/shop?user=app&password=${SECRET}`, 'jdbc:postgresql://db/shop?user=app&password=****'],
    [`jdbc:mysql://app:${SECRET}@db:3306/shop`, 'jdbc:mysql://app@db:3306/shop'],
    [`jdbc:oracle:thin:scott/${SECRET}@db:1521:ORCL`, 'jdbc:oracle:thin:scott/****@db:1521:ORCL'],
    [`jdbc:oracle:thin:scott/${SECRET}@//db:1521/svc`, 'jdbc:oracle:thin:scott/****@//db:1521/svc'],
    [`jdbc:oracle:thin:scott/"pa@ss;${SECRET}"@db:1521/svc`, 'jdbc:oracle:thin:scott/****@db:1521/svc'],
    [`scott/${SECRET}@//db:1521/svc`, 'scott/****@//db:1521/svc'],
    [`jdbc:db2://db:50000/shop:user=app;password=${SECRET};`, 'jdbc:db2://db:50000/shop:user=app;password=****;'],
    [`Server=db;Database=shop;User Id=app;Password=${SECRET};`, 'Server=db;Database=shop;User Id=app;Password=****;'],
    [`Server=db;Password={a;b}}${SECRET}};Database=shop`, 'Server=db;Password=****;Database=shop'],
    [`Server=db;Password="a;b""${SECRET}";Database=shop`, 'Server=db;Password=****;Database=shop'],
    [`Server=db;Password='a;b''${SECRET}';Database=shop`, 'Server=db;Password=****;Database=shop'],
    [`Driver={ODBC Driver 18 for SQL Server};Server=db;UID=app;PWD=${SECRET}`, 'Driver={ODBC Driver 18 for SQL Server};Server=db;UID=app;PWD=****'],
    [`DSN=shop;Uid=app;Pwd=${SECRET};`, 'DSN=shop;Uid=app;Pwd=****;'],
    [`host=db port=5432 dbname=shop user=app password='${SECRET} x'`, 'host=db port=5432 dbname=shop user=app password=****'],
    [`DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${SECRET};EndpointSuffix=core.windows.net`, 'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=****;EndpointSuffix=core.windows.net'],
    [`app:${SECRET}@tcp(db:3306)/shop`, 'app:****@tcp(db:3306)/shop'],
  ];

  it.each(cases)('should mask the password in %s', (conn, expected) => {
    const out = redactConnectionString(conn);
    expect(out).toBe(expected);
    expect(out).not.toContain(SECRET);
  });

  it('should leave a connection string without credentials unchanged', () => {
    for (const conn of ['postgres://db:5432/shop', 'Server=db;Database=shop;Integrated Security=true', 'db.internal:5432/shop']) {
      expect(redactConnectionString(conn)).toBe(conn);
    }
  });
});

describe('redactAttribute', () => {
  it('should scrub URL and connection-string attributes by key, and leave others', () => {
    expect(redactAttribute('url.full', `https://u:p@h/x?token=${SECRET}`)).toBe('https://h/x?token=REDACTED');
    expect(redactAttribute('http.target', `/x?%74oken=${SECRET}`)).toBe('/x?%74oken=REDACTED');
    expect(redactAttribute('url.query', `sig=${SECRET}`)).toBe('sig=REDACTED');
    expect(redactAttribute('db.connection_string', `Server=db;Password=${SECRET}`)).toBe('Server=db;Password=****');
    expect(redactAttribute('http.request.header.referer', [`https://h/?token=${SECRET}`])).toEqual(['https://h/?token=REDACTED']);
    expect(redactAttribute('custom', `token=${SECRET}`)).toBe(`token=${SECRET}`);
  });
});
