/**
 * Secrets stay secret: the Honeycomb key reaches Honeycomb's header and nothing else (not diag logs at any level, not
 * errors, not `config`, not console output, not X-Ray documents, not span attributes); credentials in headers and URLs
 * are never recorded by the server adapter or the outgoing instrumentation, and sensitive query values are redacted.
 */
import { DiagLogLevel, SpanKind, trace } from '@opentelemetry/api';
import { createServer, get as httpGet, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { traced } from '../../src/adapters/http';
import { withSpan } from '../../src/api';
import { ConfigError } from '../../src/errors';
import { TEST_KEY, useBackends, type BackendsFixture } from '../helpers/backends';
import { serveNode } from '../fixtures/adapter-serve';
import { captureDiag, endSpans, initError, type CapturedLog } from './support';

const FAST = {
  batch: { scheduledDelayMillis: 20 },
  shutdownTimeoutMillis: 2_000,
} as const;

/** Everything a backend received, as one string (OTLP attributes/resources and raw X-Ray documents). */
function everythingExported(backends: BackendsFixture): string {
  const otlp = backends.honeycomb.spans.map((s) => JSON.stringify({ ...s, startTimeUnixNano: 0, endTimeUnixNano: 0 }));
  return [...otlp, ...backends.xray.documents.map((d) => JSON.stringify(d))].join('\n');
}

describe('the Honeycomb key', () => {
  let log: CapturedLog;
  let printed: string[];
  let restoreOutput: () => void;

  // Registered before useBackends, so the capture outlasts its teardown (vitest runs afterEach hooks in reverse).
  beforeEach(() => {
    log = captureDiag(DiagLogLevel.ALL);
    printed = [];
    const out = process.stdout.write.bind(process.stdout);
    const err = process.stderr.write.bind(process.stderr);
    const capture = (chunk: unknown): boolean => {
      printed.push(String(chunk));
      return true;
    };
    process.stdout.write = capture as typeof process.stdout.write;
    process.stderr.write = capture as typeof process.stderr.write;
    restoreOutput = () => {
      process.stdout.write = out;
      process.stderr.write = err;
    };
  });
  afterEach(() => {
    restoreOutput();
    log.restore();
  });
  const backends = useBackends();

  it('should reach Honeycomb only as x-honeycomb-team: never in logs, config, console output, spans or X-Ray documents', async () => {
    backends.honeycomb.respond = () => 401; // the failure path logs the most
    const tracing = backends.init({
      ...FAST,
      console: true,
      logLevel: 'none', // keep the capturing logger installed above
      honeycomb: { headers: { authorization: `Bearer ${TEST_KEY}` } },
      xray: { resourceMetadata: true, indexAllAttributes: true },
      resourceAttributes: { 'deployment.region': 'test' },
      instrumentation: { fetch: false, http: false },
    });
    endSpans(5);
    await tracing.forceFlush();
    await backends.xray.waitFor(5);

    expect(backends.honeycomb.requests[0]?.headers['x-honeycomb-team']).toBe(TEST_KEY); // it is used…
    expect(log.matching(/API key/)).toHaveLength(1);
    expect(printed.join('')).toContain('GET /api/activities/home'); // console: true printed the spans…
    for (const [where, text] of [
      ['diag log', log.lines.join('\n')],
      ['console output', printed.join('')],
      ['config', JSON.stringify(tracing.config)],
      ['exported spans', everythingExported(backends)],
    ] as const) {
      expect(text, where).not.toContain(TEST_KEY); // …and shown nowhere
      expect(text, where).not.toContain(TEST_KEY.slice(8, 40));
    }
    expect(tracing.config.honeycomb.apiKey).toBe('hcxi…');
    expect(tracing.config.honeycomb.headers.authorization).toBe('Bear…');
  });

  it('should keep the key and URL credentials out of ConfigError messages and the redacted config', async () => {
    const attempts = [
      { honeycombKey: `${TEST_KEY}\n`, xrayUrl: 'https://example.invalid/' },
      { honeycombKey: TEST_KEY, honeycomb: { timeoutMillis: -1 } },
      { honeycombKey: TEST_KEY, honeycomb: { headers: { 'x-honeycomb-team': `${TEST_KEY}\r\n` } } },
      { honeycombKey: TEST_KEY, honeycomb: { endpoint: `http://user:${TEST_KEY}@127.0.0.1:9`, timeoutMillis: 'x' as never } },
    ];
    for (const options of attempts) {
      const thrown = await initError(options);
      expect(thrown).toBeInstanceOf(ConfigError);
      const error = thrown as Error;
      expect(`${error.message}\n${error.stack ?? ''}\n${JSON.stringify(error)}`).not.toContain(TEST_KEY);
    }
  });

  it('should mask credentials in the endpoint URL in config and logs', async () => {
    const { port } = new URL(backends.honeycomb.url);
    const tracing = backends.init({
      ...FAST,
      logLevel: 'none',
      honeycomb: { endpoint: `http://user:${TEST_KEY}@127.0.0.1:${port}` },
      instrumentation: { fetch: false, http: false },
    });
    backends.honeycomb.respond = () => 500;
    endSpans(2);
    await tracing.forceFlush();
    expect(tracing.config.honeycomb.url).toBe(`http://****@127.0.0.1:${port}/v1/traces`);
    expect(log.lines.join('\n')).not.toContain(TEST_KEY);
    expect(log.matching(/honeycomb: 2 spans lost \(HTTP 500\)/)).toHaveLength(1);
  });

  it("should mask credentials in the X-Ray sampling endpoint (a proxy's basic auth) in logs, console output and the sampling status", async () => {
    // Nothing listens on port 9: GetSamplingRules fails, and the warning names the endpoint.
    const tracing = backends.init({ ...FAST, logLevel: 'none', xray: { sampling: 'centralized', samplingEndpoint: `http://proxy:${TEST_KEY}@127.0.0.1:9` } });
    await vi.waitFor(() => expect(tracing.samplingStatus().xray.poller?.lastError).toBeDefined());
    const status = tracing.samplingStatus();
    expect(status.xray.endpoint).toBe('http://****@127.0.0.1:9');
    expect(status.xray.poller?.lastError).toContain('GetSamplingRules at http://****@127.0.0.1:9/GetSamplingRules failed');
    expect(JSON.stringify(status)).not.toContain(TEST_KEY);
    expect(log.matching(/GetSamplingRules at http:\/\/\*{4}@127\.0\.0\.1:9/)).toHaveLength(1);
    expect(`${log.lines.join('\n')}\n${printed.join('')}`).not.toContain(TEST_KEY);
  });
});

describe('credentials on the request path', () => {
  const SECRET = 's3cr3t-Value-42';
  const backends = useBackends({ ...FAST, instrumentation: { fetch: true, http: true } }, { init: true });
  let app: Awaited<ReturnType<typeof serveNode>>;

  beforeEach(async () => {
    const listener = (_req: IncomingMessage, res: ServerResponse): void => {
      res.setHeader('set-cookie', `sid=${SECRET}; HttpOnly`);
      res.setHeader('x-visible', 'shown');
      res.end('ok');
    };
    app = await serveNode(
      createServer(
        traced(listener, {
          route: '/login',
          // Even an allow-list that names them cannot record credential-bearing headers.
          captureRequestHeaders: ['authorization', 'cookie', 'proxy-authorization', 'x-amz-security-token', 'x-visible'],
          captureResponseHeaders: ['set-cookie', 'x-visible'],
        }),
      ),
    );
  });
  afterEach(() => app.close());

  it('should never record Authorization, Cookie or Set-Cookie on server spans, and redact sensitive query values', async () => {
    const response = await fetch(`${app.url}/login?q=shoes&access_token=${SECRET}&password=${SECRET}&api_key=${SECRET}`, {
      headers: {
        authorization: `Bearer ${SECRET}`,
        cookie: `sid=${SECRET}`,
        'proxy-authorization': `Basic ${SECRET}`,
        'x-amz-security-token': SECRET,
        'x-visible': 'shown',
      },
    });
    await response.text();
    const spans = await backends.honeycomb.waitFor((s) => s.some((sp) => sp.kind === 2));
    await backends.xray.waitFor(1);
    const server = spans.find((sp) => sp.kind === 2);
    expect(server?.attributes['http.request.header.x-visible']).toEqual(['shown']); // capture works…
    expect(server?.attributes['url.query']).toBe('q=shoes&access_token=REDACTED&password=REDACTED&api_key=REDACTED');
    expect(everythingExported(backends)).not.toContain(SECRET); // …but never for credentials
  });

  it('should never record credentials from an absolute-form request target (user:password@host)', async () => {
    const { port } = new URL(app.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.end(`GET http://admin:${SECRET}@127.0.0.1:${port}/login?token=${SECRET} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
      });
      let data = '';
      socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    await backends.honeycomb.waitFor((s) => s.length >= 1);
    await backends.xray.waitFor(1);
    expect(everythingExported(backends)).not.toContain(SECRET);
  });

  it('should never record credentials from outgoing fetch and node:http calls (headers, URL userinfo, query)', async () => {
    await withSpan('caller', async () => {
      const res = await fetch(`${app.url}/login?session=${SECRET}`, { headers: { authorization: `Bearer ${SECRET}`, cookie: `a=${SECRET}` } });
      await res.text();
      await new Promise<void>((resolve, reject) => {
        const { port } = new URL(app.url);
        httpGet(`http://admin:${SECRET}@127.0.0.1:${port}/login?secret=${SECRET}`, (r) => {
          r.resume();
          r.on('end', resolve);
        }).on('error', reject);
      });
    });
    // caller + 2 client spans + 2 server spans
    const spans = await backends.honeycomb.waitFor((s) => s.filter((sp) => sp.kind === 3).length >= 2 && s.some((sp) => sp.name === 'caller'));
    const clients = spans.filter((sp) => sp.kind === 3);
    expect(clients.map((c) => String(c.attributes['url.full'])).join(' ')).toContain('REDACTED');
    await backends.xray.waitFor(2);
    expect(everythingExported(backends)).not.toContain(SECRET);
  });
});

describe('credentials in URLs and connection strings, in forms a simple key list misses', () => {
  const SECRET = 's3cr3t-Value-42';
  const backends = useBackends({ ...FAST, instrumentation: { fetch: true, http: true } }, { init: true });
  let app: Awaited<ReturnType<typeof serveNode>>;

  beforeEach(async () => {
    const listener = (_req: IncomingMessage, res: ServerResponse): void => {
      res.setHeader('location', `/next?id_token=${SECRET}`);
      res.end('ok');
    };
    app = await serveNode(createServer(traced(listener, { captureRequestHeaders: ['referer'], captureResponseHeaders: ['location'] })));
  });
  afterEach(() => app.close());

  // Percent-encoded keys, `;` separators, OpenTelemetry's default list and common credential names.
  const QUERY = [
    `%74oken=${SECRET}`, `q=1;session_token=${SECRET}`, `jwt=${SECRET}`, `otp=${SECRET}`, `hmac=${SECRET}`,
    `SAMLResponse=${SECRET}`, `id_token=${SECRET}`, `refresh_token=${SECRET}`, `client_secret=${SECRET}`,
    `X-Goog-Signature=${SECRET}`, `AWSAccessKeyId=${SECRET}`, `Signature=${SECRET}`, `sig=${SECRET}`,
  ].join('&');

  it('should redact them on server spans, in captured Referer and Location headers, and in both backends', async () => {
    const response = await fetch(`${app.url}/callback?${QUERY}`, { headers: { referer: `https://idp.example/?jwt=${SECRET}` } });
    await response.text();
    const spans = await backends.honeycomb.waitFor((s) => s.some((sp) => sp.kind === 2));
    await backends.xray.waitFor(1);
    const server = spans.find((sp) => sp.kind === 2)!;
    expect(server.attributes['url.query']).toContain('%74oken=REDACTED');
    expect(server.attributes['http.request.header.referer']).toEqual(['https://idp.example/?jwt=REDACTED']);
    expect(server.attributes['http.response.header.location']).toEqual(['/next?id_token=REDACTED']);
    expect(everythingExported(backends)).not.toContain(SECRET);
  });

  it('should redact them in outgoing calls', async () => {
    await withSpan('caller', async () => {
      await (await fetch(`${app.url}/a?${QUERY}`)).text();
      await new Promise<void>((resolve, reject) => {
        httpGet(`${app.url}/b?${QUERY}`, (r) => {
          r.resume();
          r.on('end', resolve);
        }).on('error', reject);
      });
    });
    await backends.honeycomb.waitFor((s) => s.filter((sp) => sp.kind === 3).length >= 2 && s.some((sp) => sp.name === 'caller'));
    await backends.xray.waitFor(3);
    expect(everythingExported(backends)).not.toContain(SECRET);
  });

  it('should keep them out of X-Ray documents when another instrumentation recorded them raw', async () => {
    const tracer = trace.getTracer('other-instrumentation');
    tracer.startSpan('GET', { kind: SpanKind.CLIENT, attributes: {
      'http.request.method': 'GET', 'url.full': `https://u:${SECRET}@api.example.com/x?${QUERY}#access_token=${SECRET}` } }).end();
    tracer.startSpan('GET /y', { kind: SpanKind.SERVER, attributes: {
      'http.request.method': 'GET', 'server.address': 'svc', 'url.path': '/y', 'url.query': QUERY } }).end();
    tracer.startSpan('GET /z', { kind: SpanKind.SERVER, attributes: { 'http.method': 'GET', 'http.host': 'svc', 'http.target': `/z?${QUERY}` } }).end();
    tracer.startSpan('job', { attributes: { 'url.original': `https://h/?${QUERY}`, 'url.query': QUERY } }).end();
    await backends.xray.waitFor(4);
    const documents = backends.xray.documents.map((d) => JSON.stringify(d)).join('\n');
    expect(documents).toContain('REDACTED');
    expect(documents).not.toContain(SECRET);
  });

  // Every form the common drivers use: URLs, JDBC properties, Oracle, ADO.NET/ODBC keywords (quoted, braced), libpq.
  const CONNECTION_STRINGS = [
    `postgresql://app:${SECRET}@db/shop`, `mysql://root:${SECRET}@db/shop`, `mongodb+srv://app:${SECRET}@cluster.example.net/shop`,
    `jdbc:sqlserver://db:1433;databaseName=shop;user=sa;password=${SECRET}`, `jdbc:oracle:thin:scott/${SECRET}@db:1521:ORCL`,
    `jdbc:oracle:thin:scott/"x;${SECRET}"@//db:1521/svc`, `Server=db;User Id=app;Password={a;b}}${SECRET}}`,
    `Server=db;User Id=app;Password="a;b${SECRET}"`, `Driver={ODBC Driver 18};Server=db;UID=app;PWD=${SECRET}`,
    `host=db user=app password='${SECRET}'`, `jdbc:postgresql://db/shop?user=app&password=${SECRET}`,
  ];

  it.each(CONNECTION_STRINGS)('should mask the password of %s in X-Ray, as sql.url, sql.connection_string or metadata', async (conn) => {
    const tracer = trace.getTracer('db');
    for (const system of ['postgresql', 'mssql', 'oracle', 'mongodb']) {
      tracer.startSpan('SELECT', { kind: SpanKind.CLIENT, attributes: { 'db.system': system, 'db.connection_string': conn } }).end();
    }
    await backends.xray.waitFor(4);
    expect(backends.xray.documents.map((d) => JSON.stringify(d)).join('\n')).not.toContain(SECRET);
  });
});
