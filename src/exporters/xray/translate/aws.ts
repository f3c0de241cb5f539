import type { Attributes } from '@opentelemetry/api';
import type { Consumed, Unused } from './attributes';
import { HAS_AWS_KEYS, NOTHING_CONSUMED, capped, int, keepIfPresent, scanKeys, str } from './attributes';
import { MAX_STRING_LENGTH } from './limits';
import type { AwsData } from './types';

/**
 * Span-level fields of the `aws` block (collector `aws.go`): what an AWS SDK call did. The
 * resource-level fields (ec2, ecs, eks, beanstalk, xray, account) come from `origin.ts` and go on segments only.
 *
 * Deviations from the collector, so OTel JS users lose nothing:
 * - `rpc.method` is the operation only on `rpc.system = aws-api` spans (the collector takes it from any RPC span);
 * - the OTel JS aws-sdk keys `cloud.region` and `aws.request.id` are mapped (collector: left in metadata);
 * - the block is built whatever `cloud.provider` says (the collector drops these keys when it is not `aws`).
 */

export const AWS_KEYS: Consumed = new Set([
  'aws.operation', 'aws.account_id', 'aws.region', 'aws.request_id', 'aws.requestId', 'aws.request.id',
  'aws.extended_request_id', 'aws.queue_url', 'aws.queue.url', 'aws.sqs.queue.url', 'aws.table_name',
  'aws.table.name', 'aws.retries',
]);
/** On AWS SDK spans these describe the call too. */
export const AWS_API_KEYS: Consumed = new Set([...AWS_KEYS, 'rpc.method', 'cloud.region', 'messaging.url']);

export interface AwsResult {
  aws: AwsData | undefined;
  consumed: Consumed;
  /** Keys of `consumed` that produced no field (an AWS SDK span's `rpc.method` beside `aws.operation`): kept. */
  unused?: Unused;
}

export function makeAws(attrs: Attributes, keys: number = scanKeys(attrs)): AwsResult {
  const awsApi = attrs['rpc.system'] === 'aws-api';
  if (!awsApi && (keys & HAS_AWS_KEYS) === 0) return { aws: undefined, consumed: NOTHING_CONSUMED };
  // The aws.* value of each pair is kept apart: when it is there, the AWS SDK key beside it produced no field.
  // Values are cut to 250 characters where they are written, once per field rather than once per key read, with the
  // length test at the call site: this function reads ~17 keys, past V8's inlining budget, and an out-of-line call to
  // capped() per field cost ~20 instructions each (cachegrind, per DynamoDB span).
  const awsOperation = str(attrs, 'aws.operation');
  const operation = awsOperation ?? (awsApi ? str(attrs, 'rpc.method') : undefined);
  const accountId = str(attrs, 'aws.account_id');
  const awsRegion = str(attrs, 'aws.region');
  const region = awsRegion ?? (awsApi ? str(attrs, 'cloud.region') : undefined);
  const requestId = str(attrs, 'aws.request_id') ?? str(attrs, 'aws.requestId') ?? str(attrs, 'aws.request.id');
  const id2 = str(attrs, 'aws.extended_request_id');
  const awsQueueUrl = str(attrs, 'aws.queue_url') ?? str(attrs, 'aws.queue.url') ?? str(attrs, 'aws.sqs.queue.url');
  const queueUrl = awsQueueUrl ?? (awsApi ? str(attrs, 'messaging.url') : undefined);
  const tables = tableNames(attrs);
  let retries = int(attrs, 'aws.retries');
  if (retries !== undefined && retries < 0) retries = undefined;

  if (
    operation === undefined &&
    accountId === undefined &&
    region === undefined &&
    requestId === undefined &&
    id2 === undefined &&
    queueUrl === undefined &&
    tables === undefined &&
    retries === undefined
  ) {
    return { aws: undefined, consumed: awsApi ? AWS_API_KEYS : NOTHING_CONSUMED };
  }
  const aws: AwsData = {};
  if (accountId !== undefined) aws.account_id = accountId.length > MAX_STRING_LENGTH ? capped(accountId) : accountId;
  if (operation !== undefined) aws.operation = operation.length > MAX_STRING_LENGTH ? capped(operation) : operation;
  if (region !== undefined) aws.region = region.length > MAX_STRING_LENGTH ? capped(region) : region;
  if (requestId !== undefined) aws.request_id = requestId.length > MAX_STRING_LENGTH ? capped(requestId) : requestId;
  if (id2 !== undefined) aws.id_2 = id2.length > MAX_STRING_LENGTH ? capped(id2) : id2;
  if (queueUrl !== undefined) aws.queue_url = queueUrl.length > MAX_STRING_LENGTH ? capped(queueUrl) : queueUrl;
  if (retries !== undefined) aws.retries = retries;
  if (tables !== undefined) {
    if (tables.length === 1) aws.table_name = tables[0];
    else aws.table_names = tables;
  }
  if (!awsApi) return { aws, consumed: AWS_KEYS };
  // Lookups only for a pair the span has both halves of (rare): the common AWS SDK span pays nothing here.
  let unused: Unused;
  if (awsOperation !== undefined) unused = keepIfPresent(attrs, 'rpc.method', unused);
  if (awsRegion !== undefined) unused = keepIfPresent(attrs, 'cloud.region', unused);
  // The SDK instrumentation may record the queue URL under both keys: the same value is not kept twice.
  if (awsQueueUrl !== undefined && str(attrs, 'messaging.url') !== awsQueueUrl) unused = keepIfPresent(attrs, 'messaging.url', unused);
  return { aws, consumed: AWS_API_KEYS, unused };
}

/**
 * `aws.dynamodb.table_names` (one name → `table_name`, several → `table_names`), else `aws.table_name` /
 * `aws.table.name`. Like the collector, `aws.dynamodb.table_names` stays in metadata too.
 */
function tableNames(attrs: Attributes): string[] | undefined {
  const list = attrs['aws.dynamodb.table_names'];
  if (Array.isArray(list)) {
    const names = list.filter((n): n is string => typeof n === 'string' && n !== '');
    for (let i = 0; i < names.length; i++) if (names[i]!.length > MAX_STRING_LENGTH) names[i] = capped(names[i]!);
    if (names.length > 0) return names;
  } else if (typeof list === 'string' && list !== '') {
    return [capped(list)];
  }
  const one = str(attrs, 'aws.table_name') ?? str(attrs, 'aws.table.name');
  return one === undefined ? undefined : [capped(one)];
}
