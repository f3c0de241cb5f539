import type { Attributes } from '@opentelemetry/api';

/**
 * Request attributes of one AWS SDK v3 command, as @opentelemetry/instrumentation-aws-sdk records them (stable where
 * the semantic conventions have them) and the X-Ray translator reads them (`aws.dynamodb.table_names` →
 * `aws.table_name(s)`, `aws.sqs.queue.url` → `aws.queue_url`; docs/xray.md, "Attribute → document field").
 */
export function commandAttributes(service: string, input: unknown): Attributes {
  if (typeof input !== 'object' || input === null) return {};
  const params = input as Record<string, unknown>;
  if (service === 'DynamoDB') return dynamoDbAttributes(params);
  if (service === 'SQS') return sqsAttributes(params);
  return {};
}

function dynamoDbAttributes(params: Record<string, unknown>): Attributes {
  const tables = new Set<string>();
  if (typeof params.TableName === 'string') tables.add(params.TableName);
  // BatchGetItem / BatchWriteItem: one entry per table.
  if (typeof params.RequestItems === 'object' && params.RequestItems !== null) {
    for (const name of Object.keys(params.RequestItems)) tables.add(name);
  }
  // TransactGetItems / TransactWriteItems: each item names its table.
  if (Array.isArray(params.TransactItems)) {
    for (const item of params.TransactItems as unknown[]) {
      if (typeof item !== 'object' || item === null) continue;
      for (const op of Object.values(item as Record<string, unknown>)) {
        const table = (op as { TableName?: unknown } | null)?.TableName;
        if (typeof table === 'string') tables.add(table);
      }
    }
  }
  return tables.size === 0 ? {} : { 'aws.dynamodb.table_names': [...tables] };
}

function sqsAttributes(params: Record<string, unknown>): Attributes {
  const url = params.QueueUrl;
  if (typeof url !== 'string' || url === '') return {};
  const name = url.slice(url.lastIndexOf('/') + 1);
  const attrs: Attributes = { 'aws.sqs.queue.url': url, 'messaging.system': 'aws_sqs' };
  if (name !== '') attrs['messaging.destination.name'] = name;
  return attrs;
}

/** `DynamoDBClient` → `DynamoDB`, for clients whose config has no `serviceId`. */
export function serviceFromClientName(clientName: unknown): string | undefined {
  return typeof clientName === 'string' && clientName !== '' ? clientName.replace(/Client$/, '') : undefined;
}

/** `PutItemCommand` → `PutItem`. */
export function operationFromCommandName(commandName: unknown): string | undefined {
  return typeof commandName === 'string' && commandName !== '' ? commandName.replace(/Command$/, '') : undefined;
}
