/**
 * The sampling decision per root span (what `tracer.startSpan` asks the sampler), rule matching included.
 * Run: npx vitest bench --run bench/sampling.bench.ts. Target (docs/sampling.md): ≤ 1 µs per root span with 10 rules.
 *
 * - both 100 %: no sampling configured for either backend (X-Ray `'all'`): one frozen result for every span;
 * - X-Ray 10 local rules + Honeycomb 100 %: the request matches none of the first 9 rules (each has a non-`*` field),
 *   so all 10 are tried, then the reservoir (used up) and the fixed rate decide;
 * - X-Ray 10 centralized rules: the same rules fetched from a fake daemon proxy on 127.0.0.1;
 * - `@opentelemetry/sampler-aws-xray` 0.3.0 with the same 10 centralized rules (the maintained OTel implementation,
 *   evaluated first: see docs/sampling.md, "Why dualtrace has its own X-Ray rules engine").
 * Each iteration uses a fresh trace id from a pre-built pool (the fixed-rate hash reads it).
 */
import { randomBytes } from 'node:crypto';
import { ROOT_CONTEXT, SpanKind, type Attributes } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AWSXRayRemoteSampler } from '@opentelemetry/sampler-aws-xray';
import { afterAll, bench, describe } from 'vitest';
import { resolveConfig } from '../src/config/resolve-config';
import type { XRayLocalSamplingRulesDocument } from '../src/config/sampling-types';
import { DualtraceSampler } from '../src/provider/sampler';
import { serviceFacts } from '../src/provider/xray-sampling/request';
import { XRayRules } from '../src/provider/xray-sampling/xray-rules';
import { diag } from '@opentelemetry/api';
import { rule, startFakeXRayDaemon } from '../test/helpers/fake-xray-daemon';

const ids = Array.from({ length: 4096 }, () => randomBytes(16).toString('hex'));
let next = 0;
const id = (): string => ids[(next = (next + 1) & 4095)]!;
const attributes: Attributes = {
  'http.request.method': 'GET', 'url.path': '/api/activities/home', 'url.scheme': 'http', 'server.address': 'localhost',
  'server.port': 4567, 'user_agent.original': 'autocannon', 'client.address': '127.0.0.1',
};
const resource = resourceFromAttributes({ 'service.name': 'backend-flask' });
const facts = serviceFacts(resource, { tracingName: undefined, namePattern: undefined });

const LOCAL: XRayLocalSamplingRulesDocument = {
  version: 2,
  rules: [
    { description: 'health', host: '*', http_method: 'GET', url_path: '/api/health*', fixed_target: 0, rate: 0 },
    { description: 'users', host: '*', http_method: '*', url_path: '/api/users/*', fixed_target: 1, rate: 0.1 },
    { description: 'messages', host: '*', http_method: 'POST', url_path: '/api/messages', fixed_target: 1, rate: 0.5 },
    { description: 'admin host', host: 'admin.*', http_method: '*', url_path: '*', fixed_target: 1, rate: 1 },
    { description: 'search', host: '*', http_method: 'GET', url_path: '/api/activities/search*', fixed_target: 2, rate: 0.2 },
    { description: 'notifications', host: '*', http_method: 'GET', url_path: '/api/activities/notifications', fixed_target: 1, rate: 0.1 },
    { description: 'uploads', host: '*', http_method: 'PUT', url_path: '*', fixed_target: 0, rate: 0.01 },
    { description: 'v2', host: '*', http_method: '*', url_path: '/v2/*', fixed_target: 1, rate: 0.05 },
    { description: 'internal', host: '*.internal', http_method: '*', url_path: '*', fixed_target: 0, rate: 0 },
  ],
  default: { fixed_target: 1, rate: 0.05 },
};
const CENTRAL = [
  ...LOCAL.rules!.map((r, i) => rule({ RuleName: r.description!, Priority: i + 1, Host: r.host!, HTTPMethod: r.http_method, URLPath: r.url_path, ReservoirSize: r.fixed_target, FixedRate: r.rate })),
  rule({ RuleName: 'Default', Priority: 10000, FixedRate: 0.05, ReservoirSize: 1 }),
];

const all = new DualtraceSampler(resolveConfig({ xray: { sampling: 'all' } }, {}).sampler);
const localConfig = resolveConfig({ xray: { sampling: 'local', samplingRules: LOCAL } }, {}).sampler;
const local = new DualtraceSampler(localConfig, undefined, new XRayRules(localConfig.xray, facts, diag));

const daemon = await startFakeXRayDaemon({ rules: CENTRAL });
const centralConfig = resolveConfig({ xray: { sampling: 'centralized', samplingEndpoint: daemon.url } }, {}).sampler;
const centralRules = new XRayRules(centralConfig.xray, facts, diag);
await centralRules.centralized!.refreshRules();
const central = new DualtraceSampler(centralConfig, undefined, centralRules);
const contrib = new AWSXRayRemoteSampler({ resource, endpoint: daemon.url });
await new Promise((resolve) => setTimeout(resolve, 300)); // its first rules poll

afterAll(async () => {
  centralRules.stop();
  contrib.stopPollers();
  await daemon.close();
});

describe('sampling decision per root span', () => {
  bench('both backends 100 % (frozen result)', () => {
    all.shouldSample(ROOT_CONTEXT, id(), 'GET', SpanKind.SERVER, attributes, []);
  });
  bench('X-Ray 10 local rules + Honeycomb 100 %', () => {
    local.shouldSample(ROOT_CONTEXT, id(), 'GET', SpanKind.SERVER, attributes, []);
  });
  bench('X-Ray 10 centralized rules + Honeycomb 100 %', () => {
    central.shouldSample(ROOT_CONTEXT, id(), 'GET', SpanKind.SERVER, attributes, []);
  });
  bench('@opentelemetry/sampler-aws-xray 0.3.0, same 10 rules', () => {
    contrib.shouldSample(ROOT_CONTEXT, id(), 'GET', SpanKind.SERVER, attributes, []);
  });
});
