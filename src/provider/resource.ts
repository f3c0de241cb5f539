import type { Attributes } from '@opentelemetry/api';
import { defaultResource, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ResolvedConfig } from '../config/types';
import { VERSION } from '../version';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The resource every span carries: `telemetry.sdk.*` (from the OTel SDK), `telemetry.distro.*`, what the environment
 * says about AWS (Lambda and ECS, from variables only: no network calls at start-up), the user's attributes, and the
 * resolved service name, version and environment, which win.
 */
export function createResource(config: ResolvedConfig, env: Env = process.env): Resource {
  const attributes: Attributes = {
    'telemetry.distro.name': 'dualtrace',
    'telemetry.distro.version': VERSION,
    ...detectAwsFromEnv(env),
    ...config.resourceAttributes,
    'service.name': config.serviceName,
  };
  if (config.serviceVersion !== undefined) attributes['service.version'] = config.serviceVersion;
  if (config.environment !== undefined) attributes['deployment.environment.name'] = config.environment;
  return defaultResource().merge(resourceFromAttributes(attributes));
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
