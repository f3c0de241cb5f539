export { XRayDaemonExporter } from './xray-daemon-exporter';
export type { XRayDaemonExporterOptions, XRayDaemonExporterStats } from './xray-daemon-exporter';
export { parseDaemonAddress, formatEndpoint, DEFAULT_DAEMON_ADDRESS } from '../../config/daemon-address';
export type { DaemonAddress, DaemonEndpoint } from '../../config/daemon-address';
// Not exported: the packer, the UDP emitter and translator/ are internal (style.md rule 11).
