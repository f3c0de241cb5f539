import { missingPackages, optionalRequire } from '../../exporters/xray/otlp/optional-require';
import { SIGV4_PACKAGES } from '../../exporters/xray/otlp/sigv4';
import type { CheckResult } from './types';

/**
 * Where the AWS SDK's default credential chain finds credentials, for X-Ray over OTLP with SigV4: the same provider
 * the exporter signs with. Only the source is shown (environment, profile, SSO, container, instance…), never the key
 * id or anything else of the credentials. The SDK marks each credential set with the features that produced it.
 */
const SOURCES: Readonly<Record<string, string>> = {
  CREDENTIALS_ENV_VARS: 'environment variables (AWS_ACCESS_KEY_ID)',
  CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN: 'a web identity token from the environment (AWS_WEB_IDENTITY_TOKEN_FILE)',
  CREDENTIALS_PROFILE: 'a profile of the shared config files (AWS_PROFILE, ~/.aws)',
  CREDENTIALS_PROFILE_STS_WEB_ID_TOKEN: 'a web identity token named by a profile',
  CREDENTIALS_PROFILE_PROCESS: 'a credential_process named by a profile',
  CREDENTIALS_PROFILE_LOGIN: 'a console login session named by a profile',
  CREDENTIALS_PROCESS: 'a credential_process',
  CREDENTIALS_SSO: 'IAM Identity Center (SSO)',
  CREDENTIALS_SSO_LEGACY: 'IAM Identity Center (SSO, legacy profile)',
  CREDENTIALS_LOGIN: 'a console login session',
  CREDENTIALS_HTTP: 'the container credentials endpoint (ECS, EKS Pod Identity)',
  CREDENTIALS_IMDS: 'the EC2 instance role (instance metadata)',
};

export async function checkAwsCredentials(timeoutMs: number): Promise<CheckResult> {
  const name = 'aws credentials';
  const missing = missingPackages(Object.keys(SIGV4_PACKAGES));
  if (missing.length > 0) {
    return {
      name,
      status: 'fail',
      summary: `signing needs ${missing.join(', ')}, not installed`,
      fix: `Install: npm install ${missing.map((p) => `${p}@${SIGV4_PACKAGES[p]}`).join(' ')} (or xray.sigv4: false for a local agent or Collector).`,
    };
  }
  const { defaultProvider } = optionalRequire()('@aws-sdk/credential-provider-node') as { defaultProvider: () => () => Promise<unknown> };
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      timer.unref();
    });
    const credentials = (await Promise.race([defaultProvider()(), timeout])) as { $source?: Record<string, unknown>; expiration?: Date };
    const features = Object.keys(credentials.$source ?? {}).filter((f) => f.startsWith('CREDENTIALS_'));
    const source = features.length === 0 ? 'the AWS SDK default chain' : features.map((f) => SOURCES[f] ?? f).join(', ');
    const expires = credentials.expiration instanceof Date ? `; they expire at ${credentials.expiration.toISOString()} and are refreshed` : '';
    return { name, status: 'ok', summary: `found in ${source}${expires}` };
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
    return {
      name,
      status: 'fail',
      summary: `no AWS credentials found (${message})`,
      fix: 'Set AWS_PROFILE (or run "aws sso login"), AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run with a container or instance role.',
    };
  } finally {
    clearTimeout(timer);
  }
}
