import { describe, expect, it } from 'vitest';
import { CommandError } from '../errors';
import { describeAwsError, loadSdk } from './aws';

describe('loadSdk', () => {
  it('should say how to install @aws-sdk/client-xray when it is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package '@aws-sdk/client-xray'"), { code: 'ERR_MODULE_NOT_FOUND' });
    const error = await loadSdk(() => Promise.reject(missing)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as Error).message).toBe(
      'this command needs @aws-sdk/client-xray, an optional peer dependency of dualtrace that is not installed. Install it: npm install --save-dev @aws-sdk/client-xray',
    );
  });
});

describe('describeAwsError', () => {
  it.each([
    [{ name: 'CredentialsProviderError', message: 'Could not load credentials from any providers' }, 'no AWS credentials found to do it'],
    [new Error('Region is missing'), 'no AWS region: set AWS_REGION (or pass --region) to do it.'],
    [{ name: 'InvalidRequestException', message: 'Invalid filter expression' }, 'X-Ray refused to do it: Invalid filter expression'],
    [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'cannot reach http://127.0.0.1:9 to do it (ECONNREFUSED).'],
  ])('should say what to do about %o', (error, message) => {
    expect(describeAwsError(error, 'do it', 'http://127.0.0.1:9')).toContain(message);
  });
});
