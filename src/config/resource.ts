import type { Attributes } from '@opentelemetry/api';
import { warnBadEnv } from './messages';
import { parseKeyValueList } from './parse';
import type { DualtraceOptions } from './types';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The resource attributes, lowest precedence first: what the environment says about AWS (Lambda, ECS: variables only,
 * no network calls at start-up), then `OTEL_RESOURCE_ATTRIBUTES`, then the `resourceAttributes` option.
 */
export function resolveResourceAttributes(options: DualtraceOptions, env: Env, warnings: string[]): Attributes {
  const fromEnv = parseKeyValueList(env.OTEL_RESOURCE_ATTRIBUTES, (pair) =>
    warnings.push(warnBadEnv('OTEL_RESOURCE_ATTRIBUTES', pair, 'key=value pairs separated by commas')),
  );
  return { ...detectAwsFromEnv(env), ...fromEnv, ...stripUndefined(options.resourceAttributes) };
}

/** AWS attributes that environment variables alone can tell (semantic conventions `cloud.*`, `faas.*`). */
function detectAwsFromEnv(env: Env): Attributes {
  const out: Attributes = {};
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (env.AWS_LAMBDA_FUNCTION_NAME) {
    out['cloud.provider'] = 'aws';
    out['cloud.platform'] = 'aws_lambda';
    out['faas.name'] = env.AWS_LAMBDA_FUNCTION_NAME;
    if (env.AWS_LAMBDA_FUNCTION_VERSION) out['faas.version'] = env.AWS_LAMBDA_FUNCTION_VERSION;
    if (env.AWS_LAMBDA_LOG_STREAM_NAME) out['faas.instance'] = env.AWS_LAMBDA_LOG_STREAM_NAME;
  } else if (env.ECS_CONTAINER_METADATA_URI_V4 || env.ECS_CONTAINER_METADATA_URI) {
    out['cloud.provider'] = 'aws';
    out['cloud.platform'] = 'aws_ecs';
  }
  if (region && out['cloud.provider'] === 'aws') out['cloud.region'] = region;
  return out;
}

function stripUndefined(attributes: Attributes | undefined): Attributes {
  const out: Attributes = {};
  if (attributes) for (const [k, v] of Object.entries(attributes)) if (v !== undefined) out[k] = v;
  return out;
}
