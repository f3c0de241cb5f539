/**
 * Every error dualtrace throws is a `DualtraceError` with a stable `code`, so callers can branch on
 * `err.code` rather than on message text. Errors are thrown at setup only; at run time dualtrace logs.
 *
 * @example
 * import { initTracing, DualtraceError } from 'dualtrace';
 * try {
 *   initTracing();
 * } catch (err) {
 *   if (err instanceof DualtraceError) console.error(`tracing not started (${err.code}): ${err.message}`);
 *   else throw err;
 * }
 * @see docs/configuration.md#errors
 */
export class DualtraceError extends Error {
  /** A stable, documented identifier such as `DT_CONFIG_BAD_ENDPOINT`. */
  readonly code: string;

  /**
   * @param code the stable identifier, `DT_…`
   * @param message the whole message, starting with `dualtrace: `
   * @param options the standard `Error` options (`cause`)
   */
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DualtraceError';
    this.code = code;
  }
}

/**
 * The stable codes a {@link ConfigError} can carry, by name; the type `ConfigErrorCode` is the union of the values.
 *
 * @example
 * import { ConfigError, ConfigErrorCode } from 'dualtrace';
 * if (err instanceof ConfigError && err.code === ConfigErrorCode.BAD_DAEMON_ADDRESS) {
 *   console.error('check AWS_XRAY_DAEMON_ADDRESS:', err.message);
 * }
 * @see docs/configuration.md#errors
 */
export const ConfigErrorCode = {
  INVALID_TYPE: 'DT_CONFIG_INVALID_TYPE',
  UNKNOWN_OPTION: 'DT_CONFIG_UNKNOWN_OPTION',
  XRAY_URL_IS_URL: 'DT_CONFIG_XRAY_URL_IS_URL',
  BAD_ENDPOINT: 'DT_CONFIG_BAD_ENDPOINT',
  BAD_DAEMON_ADDRESS: 'DT_CONFIG_BAD_DAEMON_ADDRESS',
  DATASET_REQUIRED: 'DT_CONFIG_DATASET_REQUIRED',
  BAD_NUMBER: 'DT_CONFIG_BAD_NUMBER',
  BAD_VALUE: 'DT_CONFIG_BAD_VALUE',
  XRAY_REGION_REQUIRED: 'DT_CONFIG_XRAY_REGION_REQUIRED',
  MISSING_PACKAGE: 'DT_CONFIG_MISSING_PACKAGE',
  BAD_SAMPLING_RULES: 'DT_CONFIG_BAD_SAMPLING_RULES',
} as const;

/**
 * One of the stable {@link ConfigError} codes (`'DT_CONFIG_BAD_VALUE'`, …).
 *
 * @example
 * const code: ConfigErrorCode = ConfigErrorCode.BAD_VALUE; // 'DT_CONFIG_BAD_VALUE'
 * @see docs/configuration.md#errors
 */
export type ConfigErrorCode = (typeof ConfigErrorCode)[keyof typeof ConfigErrorCode];

/**
 * Thrown by `initTracing` (and `resolveConfig`) when an option or environment variable cannot be used.
 * The message names the option, says what is wrong with the value, and how to fix it; it never contains a secret.
 *
 * @example
 * try { initTracing({ xrayUrl: 'https://example.com' }) }
 * catch (err) { if (err instanceof ConfigError) console.error(err.code, err.option, err.message) }
 * @see docs/configuration.md#errors
 */
export class ConfigError extends DualtraceError {
  /** The option (or environment variable) at fault, e.g. `xray.daemonAddress` or `AWS_XRAY_DAEMON_ADDRESS`. */
  readonly option: string;

  /**
   * @param code one of {@link ConfigErrorCode}
   * @param option the option or environment variable at fault
   * @param problem what is wrong with its value, e.g. `is "loud"`
   * @param fix how to fix it, one sentence
   */
  constructor(code: ConfigErrorCode, option: string, problem: string, fix: string) {
    super(code, `dualtrace: ${option} ${problem}. ${fix}`);
    this.name = 'ConfigError';
    this.option = option;
  }
}
