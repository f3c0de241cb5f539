export { DaemonExporter, XRayDaemonExporter } from './xray-daemon-exporter';
export type { XRayDaemonExporterStats } from './xray-daemon-exporter';
// Not exported from the package: translate/, pack/ and send/ are internal (their output is documented in docs/xray.md).
