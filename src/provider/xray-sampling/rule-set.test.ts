import { SpanKind, type Attributes } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LOCAL_RULES } from '../../config/sampling-rules';
import type { XRayLocalRules } from '../../config/sampling-types';
import { serviceFacts } from './request';
import type { RuleDefinition } from './rule';
import { RuleSet, RULES_TTL_MILLIS } from './rule-set';
import { Pattern } from './wildcard';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0); // whole second
const ids = Array.from({ length: 1000 }, (_, i) => `6900${i.toString(16).padStart(4, '0')}${((i * 2654435761) >>> 0).toString(16).padStart(8, '0')}9e3779b97f4a7c15`);
const facts = serviceFacts(resourceFromAttributes({ 'service.name': 'backend-flask', 'cloud.provider': 'aws', 'cloud.platform': 'aws_ecs', 'aws.ecs.cluster.arn': 'arn:aws:ecs:us-east-1:1:cluster/c' }), { tracingName: undefined, namePattern: '*.gitpod.io*' });

function def(fields: Partial<RuleDefinition> & { name: string }): RuleDefinition {
  return { priority: 100, fixedRate: 0, reservoirSize: 0, serviceName: '*', serviceType: '*', host: '*', httpMethod: '*', urlPath: '*', resourceArn: '*', attributes: {}, ...fields };
}
const DEFAULT = def({ name: 'Default', priority: 10000, fixedRate: 0.05, reservoirSize: 1 });
const get = (path: string, extra: Attributes = {}): Attributes => ({ 'http.request.method': 'GET', 'url.path': path, 'server.address': 'api.example.com', 'server.port': 8080, ...extra });

/** The rule that decides, found by giving each rule a distinct certain outcome. */
function matched(definitions: RuleDefinition[], attrs: Attributes, kind = SpanKind.SERVER): string {
  const set = new RuleSet(DEFAULT_LOCAL_RULES, facts);
  set.setCentralized(definitions, T0);
  set.decide(ids[0]!, attrs, kind, T0);
  return set.takeStatistics().map((s) => s.rule.definition.name).join();
}

describe('X-Ray rule patterns', () => {
  it.each([
    ['*', undefined, true],
    ['*', '', true],
    ['GET', 'get', true],
    ['/api/health*', '/API/Health/deep', true],
    ['/api/health*', '/api/heal', false],
    ['*.example.com', 'example.com', false],
    ['*4567-abc.gitpod.io*', 'x4567-abcXgitpod.io', false],
    ['*4567-abc.gitpod.io*', '4567-ABC.GITPOD.IO:443', true],
    ['/users/?', '/users/7', true],
    ['/users/?', '/users/77', false],
    ['a*b*c', 'aXXbYYc', true],
    ['(a)+[b]', '(A)+[B]', true],
    ['/x', undefined, false],
    ['/v?/*/*/z', '/v1/a/b/z', true],
    ['/v?/*/*/z', '/v1/a/z', false],
    ['*a*b', 'xaxbxb', true],
    ['*a*b', 'xaxbxa', false],
    ['a*?c', 'ac', false],
    ['a*?c', 'abc', true],
    ['?*', '', false],
    ['**x**', 'yxy', true],
    ['/api/*/orders/*', '/api/1/orders/', true],
  ])('should match %s against %s: %s', (pattern, value, expected) => {
    expect(new Pattern(pattern).test(value?.toLowerCase())).toBe(expected);
  });

  it("should match in time linear in the request's value, however many * the rule has", () => {
    // A client chooses the path: a backtracking matcher spent half a minute on this one (exponential in the *s).
    const path = `/v1/${'a/'.repeat(3000)}`;
    expect(new Pattern('/v?/*/*/*/z').test(path)).toBe(false);
    expect(new Pattern('/v?/*/*/*/z').test(`${path}z`)).toBe(true);
  });
});

describe('RuleSet matching', () => {
  it('should try rules by Priority, then by name, and let Default take the rest', () => {
    const rules = [DEFAULT, def({ name: 'b', priority: 5, urlPath: '/api/*' }), def({ name: 'a', priority: 5, urlPath: '/api/*' }), def({ name: 'z', priority: 1, urlPath: '/health' })];
    expect(matched(rules, get('/api/x'))).toBe('a');
    expect(matched(rules, get('/health'))).toBe('z');
    expect(matched(rules, get('/other'))).toBe('Default');
  });

  it('should match Host with or without the port, the method, and a missing value only with *', () => {
    expect(matched([DEFAULT, def({ name: 'h', host: 'api.example.com:8080' })], get('/'))).toBe('h');
    expect(matched([DEFAULT, def({ name: 'h', host: 'api.example.com' })], get('/'))).toBe('h');
    expect(matched([DEFAULT, def({ name: 'm', httpMethod: 'POST' })], get('/'))).toBe('Default');
    expect(matched([DEFAULT, def({ name: 'p', urlPath: '/*' })], { 'messaging.system': 'sqs' }, SpanKind.CONSUMER)).toBe('Default');
  });

  it("should match ServiceName against service.name or the segment's name, ServiceType and ResourceARN from the resource", () => {
    expect(matched([DEFAULT, def({ name: 's', serviceName: 'backend-flask' })], get('/'))).toBe('s');
    expect(matched([DEFAULT, def({ name: 's', serviceName: '4567-abc.gitpod.io' })], get('/', { 'server.address': '4567-abc.gitpod.io', 'server.port': undefined }))).toBe('s');
    expect(matched([DEFAULT, def({ name: 't', serviceType: 'AWS::ECS::Container' })], get('/'))).toBe('t');
    expect(matched([DEFAULT, def({ name: 't', serviceType: 'AWS::EC2::Instance' })], get('/'))).toBe('Default');
    expect(matched([DEFAULT, def({ name: 'r', resourceArn: 'arn:aws:ecs:*:cluster/c' })], get('/'))).toBe('r');
  });

  it('should match an ECS service on EC2 or Fargate against AWS::ECS::Container too, as the X-Ray SDK names it', () => {
    const fargate = serviceFacts(resourceFromAttributes({ 'service.name': 'svc', 'cloud.provider': 'aws', 'cloud.platform': 'aws_ecs', 'aws.ecs.launchtype': 'fargate' }), { tracingName: undefined, namePattern: undefined });
    expect(fargate.serviceType).toBe('AWS::ECS::Fargate'); // the origin of its segments
    const set = new RuleSet(DEFAULT_LOCAL_RULES, fargate);
    const rules = (serviceType: string): RuleDefinition[] => [DEFAULT, def({ name: 't', serviceType, fixedRate: 1 })];
    for (const [serviceType, expected] of [['AWS::ECS::Container', 't'], ['AWS::ECS::Fargate', 't'], ['AWS::ECS::*', 't'], ['AWS::ECS::EC2', 'Default']] as const) {
      set.setCentralized(rules(serviceType), T0);
      set.decide(ids[0]!, get('/'), SpanKind.SERVER, T0);
      expect(set.takeStatistics().map((st) => st.rule.definition.name).join(), serviceType).toBe(expected);
    }
  });

  it('should match Attributes against the span attributes at start', () => {
    const rules = [DEFAULT, def({ name: 'tier', attributes: { 'app.tier': 'gold*', 'http.request.method': 'GET' } })];
    expect(matched(rules, get('/', { 'app.tier': 'Gold-EU' }))).toBe('tier');
    expect(matched(rules, get('/', { 'app.tier': 'silver' }))).toBe('Default');
    expect(matched(rules, get('/'))).toBe('Default');
  });
});

describe('RuleSet reservoir and rate', () => {
  it('should borrow 1 trace per second before a quota, count it, then apply the fixed rate', () => {
    const set = new RuleSet(DEFAULT_LOCAL_RULES, facts);
    set.setCentralized([def({ name: 'Default', priority: 10000, fixedRate: 0, reservoirSize: 5 })], T0);
    const kept = ids.slice(0, 50).filter((id, i) => set.decide(id, get('/'), SpanKind.SERVER, T0 + (i < 25 ? 0 : 1000)) > 0);
    expect(kept).toHaveLength(2); // one per second
    expect(set.takeStatistics()[0]).toMatchObject({ requests: 50, sampled: 2, borrowed: 2 });
  });

  it("should use the service's quota until its TTL, then borrow again", () => {
    const set = new RuleSet(DEFAULT_LOCAL_RULES, facts);
    set.setCentralized([def({ name: 'Default', priority: 10000, fixedRate: 0, reservoirSize: 5 })], T0);
    set.rule('Default')!.applyTarget({ RuleName: 'Default', ReservoirQuota: 3, ReservoirQuotaTTL: (T0 + 2000) / 1000, FixedRate: 0 } as never, T0);
    const inSecond = (at: number) => ids.slice(0, 20).filter((id) => set.decide(id, get('/'), SpanKind.SERVER, at) > 0).length;
    expect(inSecond(T0)).toBe(3);
    expect(inSecond(T0 + 1000)).toBe(3);
    expect(inSecond(T0 + 2000)).toBe(1); // TTL passed: borrowing
    expect(set.takeStatistics()[0]).toMatchObject({ requests: 60, sampled: 7, borrowed: 1 });
  });

  it('should keep about FixedRate of the rest, by trace id, with 1/rate as the weight', () => {
    const set = new RuleSet(DEFAULT_LOCAL_RULES, facts);
    set.setCentralized([def({ name: 'Default', priority: 10000, fixedRate: 0.1, reservoirSize: 0 })], T0);
    const weights = ids.map((id) => set.decide(id, get('/'), SpanKind.SERVER, T0)).filter((w) => w > 0);
    expect(weights.length).toBeGreaterThan(60);
    expect(weights.length).toBeLessThan(150);
    expect(new Set(weights)).toEqual(new Set([10]));
  });

  it('should apply local rules in order with fixed_target per second, then rate, then default', () => {
    const local: XRayLocalRules = {
      version: 2,
      rules: [{ description: 'health', host: '*', httpMethod: 'GET', urlPath: '/health*', fixedTarget: 0, rate: 0 }],
      default: { fixedTarget: 2, rate: 0 },
    };
    const set = new RuleSet(local, facts);
    expect(ids.slice(0, 10).filter((id) => set.decide(id, get('/healthz'), SpanKind.SERVER, T0) > 0)).toHaveLength(0);
    expect(ids.slice(0, 10).filter((id) => set.decide(id, get('/api'), SpanKind.SERVER, T0) > 0)).toHaveLength(2);
    expect(set.status(T0).local.map((r) => [r.name, r.requests, r.sampled])).toEqual([['health', 10, 0], ['default', 10, 2]]);
  });

  it('should keep state across a refresh of an unchanged rule, and fall back to the local rules after an hour', () => {
    const set = new RuleSet({ ...DEFAULT_LOCAL_RULES, default: { fixedTarget: 0, rate: 0 } }, facts);
    const rule = def({ name: 'Default', priority: 10000, fixedRate: 1, reservoirSize: 0 });
    set.setCentralized([rule], T0);
    set.decide(ids[0]!, get('/'), SpanKind.SERVER, T0);
    set.setCentralized([{ ...rule }], T0 + 1000);
    expect(set.takeStatistics()[0]?.requests).toBe(1);
    expect(set.usingCentralized(T0 + 1000 + RULES_TTL_MILLIS + 1)).toBe(false);
    expect(set.decide(ids[1]!, get('/'), SpanKind.SERVER, T0 + 1000 + RULES_TTL_MILLIS + 1)).toBe(0);
  });
});
