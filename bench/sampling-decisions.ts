/**
 * N sampling decisions for root spans (bench/sampling-instructions.ts counts this process's instructions for two values
 * of N). BENCH_DECISIONS = N, BENCH_SAMPLING = both-100 | xray-10-rules.
 */
import { randomBytes } from 'node:crypto';
import { diag, ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { resolveConfig } from '../src/config/resolve-config';
import { DualtraceSampler } from '../src/provider/sampler';
import { serviceFacts } from '../src/provider/xray-sampling/request';
import { XRayRules } from '../src/provider/xray-sampling/xray-rules';

const rules = [
  ['GET', '/api/health*'], ['*', '/api/users/*'], ['POST', '/api/messages'], ['GET', '/api/activities/search*'],
  ['GET', '/api/activities/notifications'], ['PUT', '*'], ['*', '/v2/*'], ['DELETE', '*'], ['GET', '/admin/*'],
].map(([http_method, url_path], i) => ({ description: `rule ${i}`, host: '*', http_method: http_method!, url_path: url_path!, fixed_target: 1, rate: 0.1 }));
const withRules = process.env.BENCH_SAMPLING === 'xray-10-rules';
const config = resolveConfig(withRules ? { xray: { sampling: 'local', samplingRules: { version: 2, rules, default: { fixed_target: 1, rate: 0.05 } } } } : { xray: { sampling: 'all' } }, {}).sampler;
const facts = serviceFacts(resourceFromAttributes({ 'service.name': 'backend-flask' }), { tracingName: undefined, namePattern: undefined });
const sampler = new DualtraceSampler(config, undefined, withRules ? new XRayRules(config.xray, facts, diag) : undefined);
const ids = Array.from({ length: 1024 }, () => randomBytes(16).toString('hex'));
const attributes = { 'http.request.method': 'GET', 'url.path': '/api/activities/home', 'url.scheme': 'http', 'server.address': 'localhost', 'server.port': 4567, 'client.address': '127.0.0.1' };
const n = Number(process.env.BENCH_DECISIONS ?? 1000);
let kept = 0;
for (let i = 0; i < n; i++) if (sampler.shouldSample(ROOT_CONTEXT, ids[i & 1023]!, 'GET', SpanKind.SERVER, attributes, []).decision !== 0) kept++;
process.stdout.write(`${JSON.stringify({ kept })}\n`);
