/**
 * The package version (sent as the resource attribute `telemetry.distro.version`); a test keeps it equal to
 * package.json's.
 *
 * @example
 * import { VERSION } from 'dualtrace';
 * console.log(`dualtrace ${VERSION}`);
 * @see docs/api.md
 */
export const VERSION = '0.1.0';
