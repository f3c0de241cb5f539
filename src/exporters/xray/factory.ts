import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { ResolvedXRay } from '../../config/types';
import { XRayDaemonExporter } from './xray-daemon-exporter';

/** The X-Ray exporter `initTracing` installs: segment documents over UDP to the daemon the config names. */
export function createXRayExporter(config: ResolvedXRay): SpanExporter {
  return new XRayDaemonExporter({
    daemonAddress: config.daemonAddress,
    namePattern: config.namePattern,
    tracingName: config.tracingName,
    indexedAttributes: config.indexedAttributes,
    indexAllAttributes: config.indexAllAttributes,
    resourceMetadata: config.resourceMetadata,
    maxDocumentBytes: config.maxDocumentBytes,
  });
}
