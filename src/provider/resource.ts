import type { Attributes } from '@opentelemetry/api';
import { defaultResource, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ResolvedConfig } from '../config/types';
import { VERSION } from '../version';

/**
 * The resource every span carries: `telemetry.sdk.*` (from the OTel SDK), `telemetry.distro.*`, the resolved resource
 * attributes (what the environment says about AWS, `OTEL_RESOURCE_ATTRIBUTES`, the app's own), and the resolved service
 * name, version and environment, which win.
 */
export function createResource(config: ResolvedConfig): Resource {
  const attributes: Attributes = {
    'telemetry.distro.name': 'dualtrace',
    'telemetry.distro.version': VERSION,
    ...config.resourceAttributes,
    'service.name': config.serviceName,
  };
  if (config.serviceVersion !== undefined) attributes['service.version'] = config.serviceVersion;
  if (config.environment !== undefined) attributes['deployment.environment.name'] = config.environment;
  return defaultResource().merge(resourceFromAttributes(attributes));
}
