import { ConfigError, ConfigErrorCode } from '../../../errors';
import type { RequestSigner } from '../../otlp';
import { missingPackages, optionalRequire } from './optional-require';

/**
 * The AWS SDK's own packages for signing and credentials, optional peer dependencies: users on the daemon transport
 * never install or load them. The ranges are those in package.json's `peerDependencies`.
 */
export const SIGV4_PACKAGES: Readonly<Record<string, string>> = {
  '@smithy/signature-v4': '^5.7.0',
  '@aws-sdk/credential-provider-node': '^3.972.0',
  '@smithy/hash-node': '^4.5.0',
};

/** The signing service name X-Ray's OTLP endpoint expects (CloudWatch OTLP endpoints guide). */
const SERVICE = 'xray';

interface SignatureV4Like {
  sign(request: {
    method: string;
    protocol: string;
    hostname: string;
    port?: number;
    path: string;
    query: Record<string, string>;
    headers: Record<string, string>;
    body: Uint8Array;
  }): Promise<{ headers: Record<string, string> }>;
}

/**
 * A SigV4 signer for X-Ray's OTLP endpoint, built once per exporter: one credential provider from the AWS SDK's
 * default chain (environment, shared config and SSO, web identity, ECS/EKS container credentials, instance metadata),
 * which caches credentials and refreshes them before they expire (five minutes ahead, in the background), so an
 * export never waits on a credential lookup it already made. Signing is per request: the exact bytes sent (gzipped)
 * are hashed into the signature.
 *
 * @throws {ConfigError} `DT_CONFIG_MISSING_PACKAGE`, with the `npm install` line, when an optional package is missing
 */
export function createSigV4Signer(region: string): RequestSigner {
  const missing = missingPackages(Object.keys(SIGV4_PACKAGES));
  if (missing.length > 0) {
    throw new ConfigError(
      ConfigErrorCode.MISSING_PACKAGE,
      'xray.sigv4',
      `needs ${missing.join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not installed (optional peer dependencies of dualtrace)`,
      `Install: npm install ${missing.map((name) => `${name}@${SIGV4_PACKAGES[name]}`).join(' ')} ` +
        '(or set `xray.sigv4: false` to send unsigned, to a local CloudWatch agent or Collector).',
    );
  }
  const require = optionalRequire();
  const { SignatureV4 } = require('@smithy/signature-v4') as { SignatureV4: new (init: object) => SignatureV4Like };
  const { defaultProvider } = require('@aws-sdk/credential-provider-node') as { defaultProvider: () => () => Promise<unknown> };
  const { Hash } = require('@smithy/hash-node') as { Hash: new (algorithm: string, secret?: unknown) => unknown };
  const signer = new SignatureV4({
    service: SERVICE,
    region,
    credentials: defaultProvider(),
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: true,
  });
  return async ({ url, headers, body }) => {
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port === '' ? {} : { port: Number(url.port) }),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      // `host` is signed, so it is sent as signed (Node would add the same value itself).
      headers: { ...headers, host: url.host },
      body,
    });
    return signed.headers;
  };
}
