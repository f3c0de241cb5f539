/**
 * The X-Ray segment document as dualtrace emits it.
 *
 * Field names and shapes follow the AWS X-Ray developer guide, "AWS X-Ray segment documents"
 * (docs.aws.amazon.com/xray/latest/devguide/xray-api-segmentdocuments.html). Optional fields are omitted
 * (never `null`) when dualtrace has nothing to say, which is how the X-Ray SDKs behave too.
 */
import type { AnnotationValue } from '../../../trace/annotations';

/** `http` block: request data from the incoming (segment) or outgoing (subsegment) call. */
export interface HttpData {
  request?: {
    method?: string;
    url?: string;
    user_agent?: string;
    client_ip?: string;
    /** Segments only: `client_ip` came from a forwarding header, so it cannot be trusted. */
    x_forwarded_for?: boolean;
  };
  response?: {
    status?: number;
    content_length?: number;
  };
}

/** `aws` block. Segment-level resource fields and subsegment-level call fields share the object. */
export interface AwsData {
  account_id?: string;
  operation?: string;
  region?: string;
  request_id?: string;
  /** S3 extended request id (`x-amz-id-2`), as the X-Ray SDKs write it. */
  id_2?: string;
  queue_url?: string;
  /** Retries the AWS SDK made, as the X-Ray Node SDK records them (`aws_p.js`). */
  retries?: number;
  table_name?: string;
  table_names?: string[];
  ec2?: { instance_id?: string; availability_zone?: string; instance_size?: string; ami_id?: string };
  ecs?: {
    container?: string;
    container_id?: string;
    availability_zone?: string;
    container_arn?: string;
    cluster_arn?: string;
    task_arn?: string;
    task_family?: string;
    launch_type?: string;
  };
  eks?: { cluster_name?: string; pod?: string; container_id?: string };
  elastic_beanstalk?: { environment_name?: string; version_label?: string; deployment_id?: number };
  cloudwatch_logs?: { log_group: string; arn?: string }[];
  xray?: { sdk?: string; sdk_version?: string; auto_instrumentation?: boolean };
}

/** `sql` block for SQL database calls. */
export interface SqlData {
  url?: string;
  connection_string?: string;
  database_type?: string;
  user?: string;
  sanitized_query?: string;
}

/** One frame of a captured stack. */
export interface StackFrame {
  path?: string;
  line?: number;
  label?: string;
}

/** One entry of `cause.exceptions`. */
export interface ExceptionData {
  /** 16 lowercase hex characters. */
  id: string;
  type?: string;
  message?: string;
  remote?: boolean;
  stack?: StackFrame[];
  /** How many frames were left out of `stack`. */
  truncated?: number;
  /** The id of the exception that caused this one (a chained `error.cause`). */
  cause?: string;
}

export interface CauseData {
  working_directory?: string;
  exceptions: ExceptionData[];
}

/** A span link. X-Ray shows these as linked traces. */
export interface LinkData {
  trace_id: string;
  id: string;
  attributes?: Record<string, unknown>;
}

/** `metadata`: namespaces → key → any JSON value. */
export type Metadata = Record<string, Record<string, unknown>>;

export interface SegmentDocument {
  name: string;
  /** 16 lowercase hex characters. */
  id: string;
  /** `1-xxxxxxxx-yyyyyyyyyyyyyyyyyyyyyyyy`. */
  trace_id: string;
  parent_id?: string;
  /** Epoch seconds, microsecond precision. */
  start_time: number;
  end_time: number;
  type?: 'subsegment';
  namespace?: 'aws' | 'remote';
  origin?: string;
  user?: string;
  service?: { version?: string };
  http?: HttpData;
  aws?: AwsData;
  sql?: SqlData;
  fault?: boolean;
  error?: boolean;
  throttle?: boolean;
  cause?: CauseData;
  annotations?: Record<string, AnnotationValue>;
  metadata?: Metadata;
  links?: LinkData[];
  /** Only on a wrapped root call (segment.ts): the call, nested, without `trace_id`. */
  subsegments?: NestedSubsegment[];
}

/** A subsegment nested in its segment's document: no `trace_id`, `parent_id` or `type`. */
export type NestedSubsegment = Omit<SegmentDocument, 'trace_id' | 'parent_id' | 'type'>;

/** Options of {@link createSegmentTranslator}. The caller resolves environment variables; this takes values. */
export interface TranslatorOptions {
  /**
   * Host pattern for dynamic naming of SERVER segments (from `xrayUrl` / `AWS_XRAY_URL`), e.g.
   * `'*4567-abc.ws-us89.gitpod.io*'`. `*` and `?` are wildcards; case-insensitive; the whole host must match.
   */
  namePattern?: string;
  /** `AWS_XRAY_TRACING_NAME`: when set, every segment is named this. */
  tracingName?: string;
  /** Attribute keys that become annotations (X-Ray indexes them for filter expressions). */
  indexedAttributes?: readonly string[];
  /** Every primitive attribute becomes an annotation (still at most 50 per document). */
  indexAllAttributes?: boolean;
  /** Copy resource attributes into segment metadata as `otel.resource.<key>` (opt-in; costs bytes). */
  resourceMetadata?: boolean;
}
