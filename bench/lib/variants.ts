/**
 * How the runners start a server variant (bench/servers/common.ts): its environment and extra node flags. The zero-code
 * variant is configured the way a user would run it: `node --import dualtrace/register` and environment variables only.
 */
export interface Sinks {
  otlpUrl: string;
  xrayAddress: string;
}

export interface VariantLaunch {
  env: Record<string, string>;
  nodeArgs: string[];
}

/** `batch`: see BENCH_BATCH in bench/servers/common.ts (queue = batch = n spans, no timer). */
export function variantLaunch(app: string, variant: string, sinks: Sinks, batch?: number): VariantLaunch {
  const env: Record<string, string> = { BENCH_VARIANT: variant, BENCH_OTLP_URL: sinks.otlpUrl, BENCH_XRAY_ADDRESS: sinks.xrayAddress };
  if (batch !== undefined) env.BENCH_BATCH = String(batch);
  if (variant !== 'zerocode') return { env, nodeArgs: [] };
  Object.assign(env, {
    OTEL_SERVICE_NAME: `activities-${app}`,
    HONEYCOMB_API_KEY: 'hcxik_01hqk4k20zjyyy3nd9xuw7kc9vkj7ah9fs6gfgq8k8gq1ydezv3fy6r9kn7c',
    HONEYCOMB_API_ENDPOINT: sinks.otlpUrl,
    AWS_XRAY_DAEMON_ADDRESS: sinks.xrayAddress,
    AWS_XRAY_URL: '127.0.0.1*',
    DUALTRACE_FLUSH_ON_EXIT: 'false',
    // Every trace to both backends, as the other variants send (the counting sinks have no sampling proxy).
    DUALTRACE_XRAY_SAMPLING: 'all',
  });
  if (batch !== undefined) {
    Object.assign(env, { OTEL_BSP_MAX_QUEUE_SIZE: String(batch), OTEL_BSP_MAX_EXPORT_BATCH_SIZE: String(batch), OTEL_BSP_SCHEDULE_DELAY: '2000000000' });
    env.DUALTRACE_SHUTDOWN_TIMEOUT = '600000'; // FLUSH_BOUND_MILLIS in bench/servers/common.ts
  }
  return { env, nodeArgs: ['--import', 'dualtrace/register'] };
}
