/**
 * A stand-in for the X-Ray daemon's TCP proxy (which signs and forwards to the X-Ray API) on 127.0.0.1: real HTTP,
 * the two sampling paths, the exact payload shapes of the API (GetSamplingRules with NextToken paging,
 * GetSamplingTargets at `/SamplingTargets`, at most 25 statistics documents, ClientID of 24 hex characters), and
 * switches to answer garbage, fail, or change rules and quotas mid-run. It records every request it answered.
 *
 * @example
 * const daemon = await startFakeXRayDaemon({ rules: [rule({ RuleName: 'Cruddur', FixedRate: 0.1, ReservoirSize: 5, Priority: 9000 })] });
 * initTracing({ xray: { samplingEndpoint: daemon.url } });
 * …
 * await daemon.close();
 */
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A `SamplingRule` as the X-Ray API returns it. */
export interface SamplingRuleShape {
  RuleName: string;
  RuleARN?: string;
  ResourceARN: string;
  Priority: number;
  FixedRate: number;
  ReservoirSize: number;
  ServiceName: string;
  ServiceType: string;
  Host: string;
  HTTPMethod: string;
  URLPath: string;
  Version: number;
  Attributes: Record<string, string>;
}

/** A `SamplingTargetDocument`. */
export interface TargetShape {
  RuleName: string;
  FixedRate?: number;
  ReservoirQuota?: number;
  ReservoirQuotaTTL?: number;
  Interval?: number;
}

export interface StatisticsDocument {
  RuleName: string;
  ClientID: string;
  Timestamp: number;
  RequestCount: number;
  SampledCount: number;
  BorrowCount: number;
}

/** The service's own `Default` rule (priority 10000, 1/s then 5 %), as in the API reference's example. */
export function rule(fields: Partial<SamplingRuleShape> & { RuleName: string }): SamplingRuleShape {
  return {
    RuleARN: `arn:aws:xray:us-east-1:123456789012:sampling-rule/${fields.RuleName}`,
    ResourceARN: '*',
    Priority: 1000,
    FixedRate: 0.05,
    ReservoirSize: 1,
    ServiceName: '*',
    ServiceType: '*',
    Host: '*',
    HTTPMethod: '*',
    URLPath: '*',
    Version: 1,
    Attributes: {},
    ...fields,
  };
}

export const DEFAULT_RULE = rule({ RuleName: 'Default', Priority: 10000, FixedRate: 0.05, ReservoirSize: 1 });

export interface FakeDaemonOptions {
  rules?: SamplingRuleShape[];
  /** Rules per GetSamplingRules page (NextToken paging). Default: all in one page. */
  pageSize?: number;
  /** The port to listen on (to come up where a sampler already points). Default: any free one. */
  port?: number;
}

export interface FakeXRayDaemon {
  /** `http://127.0.0.1:<port>`: the `xray.samplingEndpoint`. */
  readonly url: string;
  readonly port: number;
  /** The rules served (replace to change them; bump `lastRuleModification` to make targets say so). */
  rules: SamplingRuleShape[];
  /** Targets returned per rule name; a rule without one gets none. */
  targets: Map<string, TargetShape>;
  /** Epoch seconds sent as LastRuleModification. */
  lastRuleModification: number;
  /** `'ok'`, `'garbage'` (200 with a body that is not the answer), `'error'` (500). */
  mode: 'ok' | 'garbage' | 'error';
  /** Every GetSamplingRules request body. */
  readonly ruleRequests: unknown[];
  /** Every SamplingTargets request body that was valid. */
  readonly targetRequests: { SamplingStatisticsDocuments: StatisticsDocument[] }[];
  /** Requests refused as the API would refuse them (more than 25 documents, a bad ClientID, …), with why. */
  readonly refused: string[];
  close(): Promise<void>;
}

export async function startFakeXRayDaemon(options: FakeDaemonOptions = {}): Promise<FakeXRayDaemon> {
  const state = {
    rules: options.rules ?? [DEFAULT_RULE],
    targets: new Map<string, TargetShape>(),
    lastRuleModification: 0,
    mode: 'ok' as 'ok' | 'garbage' | 'error',
    ruleRequests: [] as unknown[],
    targetRequests: [] as { SamplingStatisticsDocuments: StatisticsDocument[] }[],
    refused: [] as string[],
  };
  const server: Server = http.createServer((req, res) => {
    void readBody(req).then((body) => answer(req, res, body));
  });

  function answer(req: IncomingMessage, res: ServerResponse, text: string): void {
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (req.method !== 'POST') return send(404, { message: 'not found' });
    if (state.mode === 'error') return send(500, { message: 'InternalFailure' });
    if (state.mode === 'garbage') return send(200, req.url === '/GetSamplingRules' ? '<html>proxy error</html>' : { Whatever: true });
    let body: Record<string, unknown>;
    try {
      body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      return send(400, { message: 'SerializationException' });
    }
    if (req.url === '/GetSamplingRules') {
      state.ruleRequests.push(body);
      const size = options.pageSize ?? state.rules.length;
      const start = typeof body.NextToken === 'string' ? Number(body.NextToken) : 0;
      const page = state.rules.slice(start, start + size);
      const next = start + size < state.rules.length ? String(start + size) : null;
      return send(200, {
        SamplingRuleRecords: page.map((r) => ({ SamplingRule: r, CreatedAt: 1530918163.0, ModifiedAt: 1530918163.0 })),
        NextToken: next,
      });
    }
    if (req.url === '/SamplingTargets') {
      const why = invalidStatistics(body);
      if (why !== undefined) {
        state.refused.push(why);
        return send(400, { __type: 'InvalidRequestException', message: why });
      }
      const docs = body.SamplingStatisticsDocuments as StatisticsDocument[];
      state.targetRequests.push({ SamplingStatisticsDocuments: docs });
      const known = new Set(state.rules.map((r) => r.RuleName));
      return send(200, {
        SamplingTargetDocuments: docs.flatMap((d) => {
          const target = state.targets.get(d.RuleName);
          return target === undefined ? [] : [target];
        }),
        LastRuleModification: state.lastRuleModification,
        UnprocessedStatistics: docs
          .filter((d) => !known.has(d.RuleName))
          .map((d) => ({ RuleName: d.RuleName, ErrorCode: '400', Message: 'Rule does not exist' })),
      });
    }
    return send(404, { message: `no such path ${req.url}` });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const daemon: FakeXRayDaemon = {
    url: `http://127.0.0.1:${port}`,
    port,
    get rules() {
      return state.rules;
    },
    set rules(value) {
      state.rules = value;
    },
    get targets() {
      return state.targets;
    },
    set targets(value) {
      state.targets = value;
    },
    get lastRuleModification() {
      return state.lastRuleModification;
    },
    set lastRuleModification(value) {
      state.lastRuleModification = value;
    },
    get mode() {
      return state.mode;
    },
    set mode(value) {
      state.mode = value;
    },
    ruleRequests: state.ruleRequests,
    targetRequests: state.targetRequests,
    refused: state.refused,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return daemon;
}

/** A port nothing listens on right now (for "the daemon is not there yet"). */
export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The API's constraints on GetSamplingTargets (X-Ray API reference, SamplingStatisticsDocument). */
function invalidStatistics(body: Record<string, unknown>): string | undefined {
  const docs = body.SamplingStatisticsDocuments;
  if (!Array.isArray(docs)) return 'SamplingStatisticsDocuments is required';
  if (docs.length > 25) return `SamplingStatisticsDocuments has ${docs.length} members, more than 25`;
  for (const d of docs as Record<string, unknown>[]) {
    if (typeof d.RuleName !== 'string' || d.RuleName.length < 1 || d.RuleName.length > 64) return 'RuleName';
    if (typeof d.ClientID !== 'string' || !/^[0-9a-f]{24}$/.test(d.ClientID)) return `ClientID ${String(d.ClientID)}`;
    if (typeof d.Timestamp !== 'number') return 'Timestamp';
    for (const key of ['RequestCount', 'SampledCount', 'BorrowCount']) {
      if (!Number.isInteger(d[key]) || (d[key] as number) < 0) return key;
    }
  }
  return undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', () => resolve(text));
  });
}
