import type { Attributes } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { capped, field, int, strList } from './attributes';
import { RESOURCE_METADATA_PREFIX } from './limits';
import { sanitizeName } from './names';
import { toJsonSafe } from './annotations';
import type { AwsData } from './types';

/**
 * Everything the translator derives from the resource, computed once per Resource object (segment.ts caches it):
 * `origin`, the resource part of the `aws` block, `service`, the name fallback, the stack parser choice, and the
 * opt-in resource metadata (collector `segment.go` `determineAwsOrigin`, `aws.go`, `service.go`).
 *
 * Segments only: the segment documents page lists `origin`, `service` and the aws `ec2`/`ecs`/`elastic_beanstalk`/
 * `xray` fields under segments, and the X-Ray SDKs put them there. The collector repeats them on every subsegment;
 * we do not (same meaning, fewer bytes per datagram).
 */
export interface ResourceFragment {
  readonly origin: string | undefined;
  readonly aws: AwsData | undefined;
  readonly service: { version: string } | undefined;
  /** Sanitised `service.name`: the SERVER segment name fallback. */
  readonly serviceName: string | undefined;
  /** Whether exception stacks are parsed as Node.js (V8) stacks. */
  readonly nodeStacks: boolean;
  /** `otel.resource.<key>` → value, when resource metadata is on. */
  readonly metadata: Readonly<Record<string, unknown>> | undefined;
}

/** `telemetry.sdk.language` values whose stacks are V8 stacks: OTel JS sends `nodejs` on Node and `webjs` in browsers. */
const NODE_LANGUAGES: ReadonlySet<string> = new Set(['nodejs', 'javascript', 'webjs']);

export function makeResourceFragment(resource: Resource, withMetadata: boolean): ResourceFragment {
  const attrs = settledAttributes(resource);
  const language = field(attrs, 'telemetry.sdk.language');
  const version = field(attrs, 'service.version') ?? field(attrs, 'container.image.tag');
  const serviceName = field(attrs, 'service.name');
  // Frozen: documents share these objects, so a consumer that edits one document must not edit them all.
  return {
    origin: determineOrigin(attrs),
    aws: deepFreeze(makeResourceAws(attrs)),
    service: version === undefined ? undefined : Object.freeze({ version }),
    serviceName: serviceName === undefined ? undefined : sanitizeName(serviceName),
    // No language at all (a hand-built resource): still try, the parser ignores text that is not a V8 stack.
    nodeStacks: language === undefined || NODE_LANGUAGES.has(language),
    metadata: withMetadata ? deepFreeze(resourceMetadata(attrs)) : undefined,
  };
}

/**
 * The resource's attributes without touching `attributes` while async detectors are still running (that getter then
 * logs a diag error on every call): only the values already known. dualtrace's own resource has none (it is built
 * synchronously); this matters for a provider of the app's own with async detectors.
 */
function settledAttributes(resource: Resource): Attributes {
  if (resource.asyncAttributesPending !== true) return resource.attributes;
  const out: Attributes = {};
  for (const [key, value] of resource.getRawAttributes()) {
    if (value !== undefined && !(value instanceof Promise)) out[key] = value;
  }
  return out;
}

function isAws(attrs: Attributes): boolean {
  const provider = field(attrs, 'cloud.provider');
  return provider === undefined || provider === 'aws';
}

/** The collector's `determineAwsOrigin`. Lambda gets none: the Lambda service writes the `AWS::Lambda::Function` segment itself. */
export function determineOrigin(attrs: Attributes): string | undefined {
  if (!isAws(attrs)) return undefined;
  switch (field(attrs, 'cloud.platform')) {
    case 'aws_app_runner':
      return 'AWS::AppRunner::Service';
    case 'aws_eks':
      return 'AWS::EKS::Container';
    case 'aws_elastic_beanstalk':
      return 'AWS::ElasticBeanstalk::Environment';
    case 'aws_ecs': {
      const launchType = field(attrs, 'aws.ecs.launchtype')?.toLowerCase();
      if (launchType === 'ec2') return 'AWS::ECS::EC2';
      if (launchType === 'fargate') return 'AWS::ECS::Fargate';
      return 'AWS::ECS::Container';
    }
    case 'aws_ec2':
      return 'AWS::EC2::Instance';
    default:
      return undefined;
  }
}

/** The resource fields of the collector's `aws.go`, omitting unknown ones (the collector writes `null`s). */
function makeResourceAws(attrs: Attributes): AwsData | undefined {
  if (!isAws(attrs)) return undefined;
  const platform = field(attrs, 'cloud.platform');
  const zone = field(attrs, 'cloud.availability_zone');
  return compact<AwsData>({
    account_id: field(attrs, 'cloud.account.id'),
    ec2: ec2Fields(attrs, platform, zone),
    ecs: ecsFields(attrs, platform, zone),
    eks: eksFields(attrs, platform),
    elastic_beanstalk: beanstalkFields(attrs, platform),
    cloudwatch_logs: cloudwatchLogs(attrs),
    xray: xrayFields(attrs),
  });
}

function ec2Fields(attrs: Attributes, platform: string | undefined, zone: string | undefined): AwsData['ec2'] {
  const hostId = field(attrs, 'host.id');
  // host.id alone is also set by the generic host detector (machine-id), so it counts only on a known-AWS host.
  if (platform !== 'aws_ec2' && (hostId === undefined || field(attrs, 'cloud.provider') !== 'aws')) return undefined;
  return compact({
    instance_id: hostId,
    availability_zone: zone,
    instance_size: field(attrs, 'host.type'),
    ami_id: field(attrs, 'host.image.id'),
  });
}

function ecsFields(attrs: Attributes, platform: string | undefined, zone: string | undefined): AwsData['ecs'] {
  if (platform !== 'aws_ecs') return undefined;
  return compact({
    container: field(attrs, 'container.name'),
    container_id: field(attrs, 'container.id'),
    availability_zone: zone,
    container_arn: field(attrs, 'aws.ecs.container.arn'),
    cluster_arn: field(attrs, 'aws.ecs.cluster.arn'),
    task_arn: field(attrs, 'aws.ecs.task.arn'),
    task_family: field(attrs, 'aws.ecs.task.family'),
    launch_type: field(attrs, 'aws.ecs.launchtype'),
  });
}

function eksFields(attrs: Attributes, platform: string | undefined): AwsData['eks'] {
  const cluster = field(attrs, 'k8s.cluster.name');
  if (platform !== 'aws_eks' && cluster === undefined) return undefined;
  return compact({ cluster_name: cluster, pod: field(attrs, 'k8s.pod.name'), container_id: field(attrs, 'container.id') });
}

function beanstalkFields(attrs: Attributes, platform: string | undefined): AwsData['elastic_beanstalk'] {
  if (platform !== 'aws_elastic_beanstalk' || field(attrs, 'service.instance.id') === undefined) return undefined;
  return compact({
    environment_name: field(attrs, 'service.namespace'),
    version_label: field(attrs, 'service.version'),
    deployment_id: int(attrs, 'service.instance.id'),
  });
}

/** `sdk` is "<telemetry.sdk.name> for <telemetry.sdk.language>", e.g. `opentelemetry for nodejs`. */
function xrayFields(attrs: Attributes): AwsData['xray'] {
  const sdkName = field(attrs, 'telemetry.sdk.name');
  const language = field(attrs, 'telemetry.sdk.language');
  const sdkVersion = field(attrs, 'telemetry.sdk.version');
  const auto = field(attrs, 'telemetry.auto.version') ?? field(attrs, 'telemetry.distro.version');
  if (sdkName === undefined && sdkVersion === undefined && auto === undefined) return undefined;
  return compact({
    sdk: sdkName === undefined ? undefined : language === undefined ? sdkName : `${sdkName} for ${language}`,
    sdk_version: sdkVersion,
    auto_instrumentation: auto === undefined ? undefined : true,
  });
}

/** ARNs (`arn:aws:logs:region:account:log-group:NAME`) win over names; a single string may join several with `&`. */
function cloudwatchLogs(attrs: Attributes): { log_group: string; arn?: string }[] | undefined {
  const arns = splitList(attrs['aws.log.group.arns']);
  if (arns !== undefined) {
    return arns.map((arn) => ({ log_group: capped(arn.split(':')[6] ?? arn), arn: capped(arn) }));
  }
  const names = splitList(attrs['aws.log.group.names']);
  return names?.map((log_group) => ({ log_group: capped(log_group) }));
}

function splitList(value: Attributes[string]): readonly string[] | undefined {
  const list = strList(value);
  if (list === undefined) return undefined;
  return list.length === 1 && list[0]?.includes('&') ? list[0].split('&').filter((s) => s !== '') : list;
}

function resourceMetadata(attrs: Attributes): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  let any = false;
  for (const key in attrs) {
    const value = toJsonSafe(attrs[key]);
    if (value === undefined) continue;
    out[RESOURCE_METADATA_PREFIX + key] = value;
    any = true;
  }
  return any ? out : undefined;
}

/** Drops `undefined` fields so nothing is serialised as `null`; `undefined` when nothing is left (no `{}` blocks). */
function compact<T extends object>(obj: T): T | undefined {
  for (const key of Object.keys(obj) as (keyof T)[]) if (obj[key] === undefined) delete obj[key];
  return Object.keys(obj).length > 0 ? obj : undefined;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
