import { SpanKind } from '@opentelemetry/api';
import fc from 'fast-check';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { compileHostPattern, makeName, matchRequestHost, sanitizeName } from './names';
import { createSegmentTranslator } from './segment';
import { NODE_RESOURCE, PARENT, createTestTracing } from '../../../../test/helpers/translator';

describe('sanitizeName', () => {
  it('should keep plain names unchanged', () => {
    expect(sanitizeName('GET /api/activities/home')).toBe('GET /api/activities/home');
    expect(sanitizeName('EP @ test_15.testing-d\u00F6main.org#GO')).toBe('EP @ test_15.testing-d\u00F6main.org#GO');
    expect(sanitizeName('C:\\path=1+2&x%y')).toBe('C:\\path=1+2&x%y');
  });

  it('should remove characters X-Ray does not allow', () => {
    expect(sanitizeName('<subDomain>.example.com,1413')).toBe('subDomain.example.com1413');
    expect(sanitizeName('a\tb\nc')).toBe('a b c');
    expect(sanitizeName('<>')).toBeUndefined();
  });

  it('should truncate to 200 characters without splitting a surrogate pair', () => {
    expect(sanitizeName('x'.repeat(300))).toHaveLength(200);
    const emojiLetters = '\u{1D400}'.repeat(250); // MATHEMATICAL BOLD CAPITAL A: a letter outside the BMP
    const name = sanitizeName(emojiLetters);
    expect(Array.from(name ?? '')).toHaveLength(200);
    expect(name?.endsWith('\u{1D400}')).toBe(true);
  });
});

describe('compileHostPattern', () => {
  it('should follow the X-Ray SDK wildcard semantics (aws-xray-sdk-node wildcardMatch)', () => {
    const match = compileHostPattern('*4567-abc.gitpod.io*');
    expect(match('4567-abc.gitpod.io')).toBe(true);
    expect(match('4567-ABC.GITPOD.IO:443')).toBe(true);
    expect(match('https://4567-abc.gitpod.io/x')).toBe(true);
    expect(match('x4567-abcXgitpod.io')).toBe(false);
    expect(match('4567-abc-def.ws-eu01.gitpod.io')).toBe(false);
    expect(match('localhost:4567')).toBe(false);
    expect(compileHostPattern('*.example.com')('example.com')).toBe(false);
    expect(compileHostPattern('GET')('get')).toBe(true);
    expect(compileHostPattern('*')('')).toBe(true);
    expect(compileHostPattern('api-?.example.com')('api-1.example.com')).toBe(true);
    expect(compileHostPattern('api-?.example.com')('api-12.example.com')).toBe(false);
  });

  it('should agree with aws-xray-sdk-core wildcardMatch on random patterns and hosts', () => {
    const { wildcardMatch } = createRequire(import.meta.url)('aws-xray-sdk-core/dist/lib/utils.js') as {
      wildcardMatch: (pattern: string, text: string) => boolean;
    };
    const piece = fc.constantFrom('*', '?', '.', 'a', 'B', '4567', '-', ':', '443', 'gitpod', 'io', '(', '[', '+', '$');
    const text = fc.array(piece, { maxLength: 8 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, text, (pattern, host) => {
        expect(compileHostPattern(pattern)(host)).toBe(wildcardMatch(pattern, host));
      }),
      { numRuns: 2000 },
    );
  });

  it('should match the Gitpod example host', () => {
    expect(compileHostPattern('*4567-abc.ws-us89.gitpod.io*')('4567-abc.ws-us89.gitpod.io')).toBe(true);
  });
});

describe('matchRequestHost', () => {
  const gitpod = compileHostPattern('*4567-abc.ws-us89.gitpod.io*');
  it('should match the host as received, across conventions, and nothing else (no bare-host retry)', () => {
    expect(matchRequestHost({ 'server.address': '4567-abc.ws-us89.gitpod.io', 'server.port': 443 }, gitpod)).toBe(
      '4567-abc.ws-us89.gitpod.io:443',
    );
    expect(matchRequestHost({ 'server.address': '4567-abc.ws-us89.gitpod.io' }, gitpod)).toBe('4567-abc.ws-us89.gitpod.io');
    expect(matchRequestHost({ 'http.host': '4567-abc.ws-us89.gitpod.io:8080' }, gitpod)).toBe(
      '4567-abc.ws-us89.gitpod.io:8080',
    );
    expect(matchRequestHost({ 'net.host.name': '4567-abc.ws-us89.gitpod.io', 'net.host.port': 80 }, gitpod)).toBe(
      '4567-abc.ws-us89.gitpod.io:80',
    );
    const exact = compileHostPattern('api.example.com');
    expect(matchRequestHost({ 'server.address': 'api.example.com', 'server.port': 8443 }, exact)).toBeUndefined();
    expect(matchRequestHost({ 'http.host': 'api.example.com:8443' }, exact)).toBeUndefined();
    expect(matchRequestHost({ 'server.address': 'api.example.com' }, exact)).toBe('api.example.com');
    expect(matchRequestHost({ 'server.address': '::1', 'server.port': 3000 }, compileHostPattern('[::1]:*'))).toBe('[::1]:3000');
    expect(matchRequestHost({ 'server.address': 'localhost', 'server.port': 4567 }, gitpod)).toBeUndefined();
  });
});

describe('segment names', () => {
  const { span } = createTestTracing();
  const server = (attributes: Record<string, string | number>) =>
    span({ name: 'GET /api/activities/home', kind: SpanKind.SERVER, attributes });

  it('should name a SERVER segment after service.name by default', () => {
    expect(createSegmentTranslator()(server({ 'server.address': 'api.example.com' }))?.name).toBe('backend-flask');
  });

  it('should name a SERVER segment after the request host when it matches the pattern (dynamic naming)', () => {
    const translate = createSegmentTranslator({ namePattern: '*4567-abc.ws-us89.gitpod.io*' });
    expect(translate(server({ 'server.address': '4567-abc.ws-us89.gitpod.io' }))?.name).toBe('4567-abc.ws-us89.gitpod.io');
    expect(translate(server({ 'server.address': 'localhost', 'server.port': 4567 }))?.name).toBe('backend-flask');
    expect(translate(server({ 'http.host': '4567-abc.ws-us89.gitpod.io' }))?.name).toBe('4567-abc.ws-us89.gitpod.io');
  });

  it('should let tracingName win over the pattern and service.name for every segment', () => {
    const translate = createSegmentTranslator({ tracingName: 'cruddur-backend', namePattern: '*' });
    expect(translate(server({ 'server.address': 'api.example.com' }))?.name).toBe('cruddur-backend');
    expect(translate(span({ name: 'nightly-job' }))?.name).toBe('cruddur-backend');
    // …but not for subsegments
    expect(translate(span({ name: 'GET', kind: SpanKind.CLIENT, parent: PARENT, attributes: { 'server.address': 'api.example.com' } }))?.name).toBe('api.example.com');
  });

  it('should fall back to the span name when the resource has no service.name', () => {
    const bare = createTestTracing({ ...NODE_RESOURCE, 'service.name': '' });
    expect(createSegmentTranslator()(bare.span({ name: 'GET /x', kind: SpanKind.SERVER }))?.name).toBe('GET /x');
  });
});

describe('makeName for subsegments', () => {
  const ctx = { tracingName: undefined, matchHost: undefined };
  const client = (attrs: Record<string, string | number>) => makeName(SpanKind.CLIENT, 'HTTP GET', attrs, false, ctx, 'svc');

  it('should prefer aws.remote.service, peer.service, aws.service (namespace aws)', () => {
    expect(client({ 'aws.remote.service': 'AWS::DynamoDB', 'rpc.system': 'aws-api' })).toEqual({ name: 'DynamoDB', namespace: 'aws' });
    expect(client({ 'peer.service': 'billing', 'server.address': 'x' })).toEqual({ name: 'billing', namespace: 'remote' });
    expect(client({ 'aws.service': 'S3' })).toEqual({ name: 'S3', namespace: 'aws' });
  });

  it('should name AWS SDK calls after rpc.service (OTel JS aws-sdk)', () => {
    expect(client({ 'rpc.system': 'aws-api', 'rpc.service': 'SQS', 'server.address': 'sqs.us-east-1.amazonaws.com' })).toEqual({ name: 'SQS', namespace: 'aws' });
  });

  it('should name DB calls <db.namespace>@<server.address> and <db.name>@<connection host>', () => {
    expect(client({ 'db.system.name': 'postgresql', 'db.namespace': 'cruddur', 'server.address': 'db.internal' }).name).toBe('cruddur@db.internal');
    expect(client({ 'db.system': 'mysql', 'db.name': 'customers', 'db.connection_string': 'jdbc:mysql://db.dev.example.com:3306' }).name).toBe('customers@db.dev.example.com');
    expect(client({ 'db.system': 'redis', 'db.namespace': '0' }).name).toBe('0');
  });

  it('should name CLIENT calls after the host they call, as the X-Ray SDKs do', () => {
    expect(client({ 'server.address': 'api.example.com', 'url.full': 'https://other.example.com/x' })).toEqual({ name: 'api.example.com', namespace: 'remote' });
    expect(client({ 'url.full': 'https://user:pw@api.example.com:8443/x?y=1' }).name).toBe('api.example.com');
    expect(client({ 'http.host': 'old.example.com:8080' }).name).toBe('old.example.com:8080');
    expect(client({ 'net.peer.name': 'peer.example.com' }).name).toBe('peer.example.com');
    expect(client({}).name).toBe('HTTP GET');
  });

  it('should give PRODUCER/CONSUMER/INTERNAL children no namespace unless AWS', () => {
    expect(makeName(SpanKind.INTERNAL, 'work', {}, false, ctx, 'svc')).toEqual({ name: 'work', namespace: undefined });
    expect(makeName(SpanKind.PRODUCER, 'send', { 'messaging.system': 'kafka', 'server.address': 'kafka' }, false, ctx, 'svc')).toEqual({ name: 'send', namespace: undefined });
    expect(makeName(SpanKind.PRODUCER, 'send', { 'aws.remote.service': 'orders' }, false, ctx, 'svc')).toEqual({ name: 'orders', namespace: 'remote' });
    expect(makeName(SpanKind.PRODUCER, 'SQS.SendMessage', { 'rpc.system': 'aws-api', 'rpc.service': 'SQS' }, false, ctx, 'svc')).toEqual({ name: 'SQS', namespace: 'aws' });
  });

  it('should sanitise names taken from attributes and fall back to "span"', () => {
    expect(client({ 'peer.service': '<billing>\n' }).name).toBe('billing');
    expect(makeName(SpanKind.INTERNAL, '<>', {}, false, ctx, 'svc').name).toBe('span');
  });
});
