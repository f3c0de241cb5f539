import { SpanKind, type Attributes } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { determineOrigin } from '../../exporters/xray/translate/origin';
import { compileHostPattern, matchRequestHost } from '../../exporters/xray/translate/names';
import type { Pattern } from './wildcard';

/** What the sampler knows about the process (from the resource and the X-Ray naming options), computed once. */
export interface ServiceFacts {
  /** `service.name`. */
  readonly serviceName: string | undefined;
  /** The fixed segment name (`AWS_XRAY_TRACING_NAME`), which the X-Ray service map shows. */
  readonly tracingName: string | undefined;
  /** The `xrayUrl` host pattern: a SERVER segment is named after a matching Host. */
  readonly namePattern: string | undefined;
  /** The resource's cloud platform as X-Ray's origin names it (`AWS::EC2::Instance`, …), or `undefined`. */
  readonly serviceType: string | undefined;
  /** The resource's ARN (ECS container or cluster, EKS cluster, Lambda function), or `undefined`. */
  readonly resourceArn: string | undefined;
}

export function serviceFacts(resource: Resource, naming: { tracingName: string | undefined; namePattern: string | undefined }): ServiceFacts {
  const attrs = resource.attributes;
  const platform = str(attrs['cloud.platform']);
  const lambda = platform === 'aws_lambda';
  return {
    serviceName: str(attrs['service.name']),
    tracingName: naming.tracingName,
    namePattern: naming.namePattern,
    // X-Ray's origin names (segment documents, "origin"); Lambda's is the function itself.
    serviceType: lambda ? 'AWS::Lambda::Function' : determineOrigin(attrs),
    resourceArn:
      str(attrs['aws.ecs.container.arn']) ??
      str(attrs['aws.ecs.cluster.arn']) ??
      str(attrs['aws.eks.cluster.arn']) ??
      (lambda ? str(attrs['cloud.resource_id']) : undefined),
  };
}

/**
 * The request a root span stands for, as X-Ray's rules see it: read from the span's start attributes (the stable HTTP
 * conventions the adapters set, older names as a fallback). One instance per sampler, refilled for each decision, so
 * deciding allocates nothing; the less common fields are read only when a rule asks.
 */
export class RequestView {
  attributes: Attributes = {};
  private kind: SpanKind = SpanKind.INTERNAL;
  // Lower-cased once per decision, when a rule first asks (NOT_READ until then).
  private method: string | undefined | typeof NOT_READ = NOT_READ;
  private path: string | undefined | typeof NOT_READ = NOT_READ;
  private address: string | undefined | typeof NOT_READ = NOT_READ;
  private hostPort: string | undefined | typeof NOT_READ = NOT_READ;
  private readonly serviceName: string | undefined;
  private readonly tracingName: string | undefined;
  private readonly serviceType: string | undefined;
  private readonly ecs: boolean;
  private readonly matchHost: ((host: string) => boolean) | undefined;

  constructor(readonly facts: ServiceFacts) {
    this.serviceName = facts.serviceName?.toLowerCase();
    this.tracingName = facts.tracingName?.toLowerCase();
    this.serviceType = facts.serviceType?.toLowerCase();
    this.ecs = this.serviceType?.startsWith('aws::ecs::') === true;
    this.matchHost = facts.namePattern === undefined ? undefined : compileHostPattern(facts.namePattern);
  }

  reset(attributes: Attributes, kind: SpanKind): this {
    this.attributes = attributes;
    this.kind = kind;
    this.method = NOT_READ;
    this.path = NOT_READ;
    this.address = NOT_READ;
    this.hostPort = NOT_READ;
    return this;
  }

  methodMatches(match: Pattern): boolean {
    if (this.method === NOT_READ) {
      const a = this.attributes;
      const method = a['http.request.method'] ?? a['http.method'];
      const raw = method === '_OTHER' ? str(a['http.request.method_original']) : str(method);
      this.method = raw === undefined ? undefined : (LOWER_METHODS.get(raw) ?? raw.toLowerCase());
    }
    return match.test(this.method);
  }

  pathMatches(match: Pattern): boolean {
    if (this.path === NOT_READ) {
      const a = this.attributes;
      this.path = (str(a['url.path']) ?? pathOf(str(a['http.target']) ?? str(a['url.full']) ?? str(a['http.url'])))?.toLowerCase();
    }
    return match.test(this.path);
  }

  /** The Host as received (`host:port`) or the bare host, as the X-Ray SDK (Host header) and OTel's sampler (`server.address`) read it. */
  hostMatches(match: Pattern): boolean {
    if (this.address === NOT_READ) {
      const a = this.attributes;
      const address = (str(a['server.address']) ?? str(a['http.host']) ?? str(a['net.host.name']))?.toLowerCase();
      const port = a['server.port'] ?? a['net.host.port'];
      this.address = address;
      this.hostPort = address !== undefined && port !== undefined ? `${address}:${String(port)}` : undefined;
    }
    if (this.hostPort !== undefined && match.test(this.hostPort as string)) return true;
    return match.test(this.address as string | undefined);
  }

  /** `service.name`, or the name X-Ray's service map shows for this service (the segment name). */
  serviceNameMatches(match: Pattern): boolean {
    if (match.test(this.serviceName)) return true;
    if (this.tracingName !== undefined) return match.test(this.tracingName);
    if (this.matchHost !== undefined && this.kind === SpanKind.SERVER) {
      const host = matchRequestHost(this.attributes, this.matchHost);
      if (host !== undefined) return match.test(host.toLowerCase());
    }
    return false;
  }

  /**
   * The origin of this service's segments; on ECS also `AWS::ECS::Container`, the origin the X-Ray SDKs (and
   * OpenTelemetry's X-Ray sampler) give every ECS service, so rules written for them still match when the resource
   * knows the launch type (`AWS::ECS::EC2`, `AWS::ECS::Fargate`).
   */
  serviceTypeMatches(match: Pattern): boolean {
    return match.test(this.serviceType) || (this.ecs && match.test(ECS_CONTAINER));
  }

  resourceArnMatches(match: Pattern): boolean {
    return match.test((this.facts.resourceArn ?? str(this.attributes['cloud.resource_id']) ?? str(this.attributes['aws.lambda.invoked_arn']))?.toLowerCase());
  }

  attributeMatches(key: string, match: Pattern): boolean {
    const v = this.attributes[key];
    return match.test(v === undefined || v === null || typeof v === 'object' ? undefined : String(v).toLowerCase());
  }
}

const NOT_READ = Symbol('not read');
const ECS_CONTAINER = 'aws::ecs::container';
/** The methods requests use, lower-cased ahead (a string per decision saved). */
const LOWER_METHODS: ReadonlyMap<string, string> = new Map(
  ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'].map((m) => [m, m.toLowerCase()]),
);

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The path of a target (`/a?b`) or a full URL. */
function pathOf(target: string | undefined): string | undefined {
  if (target === undefined) return undefined;
  let start = 0;
  const scheme = target.indexOf('://');
  if (scheme >= 0) {
    const slash = target.indexOf('/', scheme + 3);
    if (slash < 0) return '/';
    start = slash;
  }
  let end = target.length;
  const q = target.indexOf('?', start);
  if (q >= 0) end = q;
  const h = target.indexOf('#', start);
  if (h >= 0 && h < end) end = h;
  return start === 0 && end === target.length ? target : target.slice(start, end);
}
