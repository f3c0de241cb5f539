/**
 * Checks of the optional blocks of a segment document: `http`, `annotations`, `metadata`, `cause`
 * (https://docs.aws.amazon.com/xray/latest/devguide/xray-api-segmentdocuments.html). Limits come from the exporter's
 * own constants, so the viewer holds dualtrace's output to the rules dualtrace claims to follow.
 */
import {
  MAX_ANNOTATION_KEY_LENGTH, MAX_ANNOTATION_VALUE_LENGTH, MAX_ANNOTATIONS, RESERVED_METADATA_PREFIX,
} from '../../exporters/xray/translate/limits';
import type { Problem } from './problem';

type Report = (severity: Problem['severity'], path: string | undefined, message: string) => void;

/** "Keys must be alphanumeric in order to work with filters. Underscore is allowed." (segment documents, Annotations) */
const ANNOTATION_KEY_RE = /^[A-Za-z0-9_]+$/;
const EXCEPTION_ID_RE = /^[0-9a-fA-F]{16}$/;

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function checkHttp(http: unknown, report: Report): void {
  if (!isObject(http)) return report('error', 'http', 'http must be an object.');
  const { request, response } = http;
  if (request !== undefined) {
    if (!isObject(request)) report('error', 'http.request', 'http.request must be an object.');
    else {
      for (const key of ['method', 'url', 'user_agent', 'client_ip'] as const) {
        if (request[key] !== undefined && typeof request[key] !== 'string') report('error', `http.request.${key}`, `http.request.${key} must be a string.`);
      }
    }
  }
  if (response !== undefined) {
    if (!isObject(response)) report('error', 'http.response', 'http.response must be an object.');
    else {
      if (response.status !== undefined && !Number.isInteger(response.status)) report('error', 'http.response.status', 'http.response.status must be an integer.');
      if (response.content_length !== undefined && typeof response.content_length !== 'number') {
        report('error', 'http.response.content_length', 'http.response.content_length must be a number.');
      }
    }
  }
}

export function checkAnnotations(annotations: unknown, report: Report): void {
  if (!isObject(annotations)) return report('error', 'annotations', 'annotations must be an object of key → string, number or boolean.');
  const keys = Object.keys(annotations);
  if (keys.length > MAX_ANNOTATIONS) report('warning', 'annotations', `${keys.length} annotations; X-Ray indexes up to ${MAX_ANNOTATIONS} per trace.`);
  for (const key of keys) {
    const path = `annotations.${key}`;
    if (!ANNOTATION_KEY_RE.test(key)) report('error', path, `Annotation key ${JSON.stringify(key)}: only letters, digits and _ are allowed (filters cannot use it).`);
    else if (key.length > MAX_ANNOTATION_KEY_LENGTH) report('error', path, `Annotation key is ${key.length} characters; the limit is ${MAX_ANNOTATION_KEY_LENGTH}.`);
    const value = annotations[key];
    const type = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    if (type !== 'string' && type !== 'number' && type !== 'boolean') {
      report('error', path, `Annotation values are strings, numbers or booleans; this one is ${type === 'object' ? 'an object' : type} (use metadata).`);
    } else if (typeof value === 'string' && value.length > MAX_ANNOTATION_VALUE_LENGTH) {
      report('error', path, `Annotation value is ${value.length} characters; the limit is ${MAX_ANNOTATION_VALUE_LENGTH}.`);
    } else if (typeof value === 'number' && !Number.isFinite(value)) {
      report('error', path, 'Annotation value is not a finite number.');
    }
  }
}

export function checkMetadata(metadata: unknown, report: Report): void {
  if (!isObject(metadata)) return report('error', 'metadata', 'metadata must be an object of namespace → object.');
  for (const [namespace, values] of Object.entries(metadata)) {
    if (namespace.startsWith(RESERVED_METADATA_PREFIX)) {
      report('warning', `metadata.${namespace}`, `Metadata namespaces starting with "${RESERVED_METADATA_PREFIX}" are reserved for AWS SDKs and clients.`);
    }
    if (!isObject(values)) report('error', `metadata.${namespace}`, 'Each metadata namespace must be an object of key → value.');
  }
  const dualtrace = metadata.dualtrace;
  if (isObject(dualtrace) && Array.isArray(dualtrace.truncated)) {
    const cut = dualtrace.truncated.map(String);
    const what = cut.includes('*') ? 'everything but the skeleton (name, ids, times, flags)' : cut.join(', ');
    report('info', 'metadata.dualtrace.truncated', `dualtrace shrank this document to fit the datagram limit; cut: ${what}.`);
  }
}

export function checkCause(cause: unknown, report: Report): void {
  if (typeof cause === 'string') {
    if (!EXCEPTION_ID_RE.test(cause)) report('error', 'cause', 'A cause given as a string must be an exception id (16 hex digits).');
    return;
  }
  if (!isObject(cause)) return report('error', 'cause', 'cause must be an exception id or an object with exceptions.');
  if (cause.working_directory !== undefined && typeof cause.working_directory !== 'string') {
    report('error', 'cause.working_directory', 'cause.working_directory must be a string.');
  }
  if (cause.exceptions === undefined) return;
  if (!Array.isArray(cause.exceptions)) return report('error', 'cause.exceptions', 'cause.exceptions must be an array.');
  cause.exceptions.forEach((exception: unknown, i) => {
    const path = `cause.exceptions[${i}]`;
    if (!isObject(exception)) return report('error', path, 'An exception must be an object.');
    if (typeof exception.id !== 'string' || !EXCEPTION_ID_RE.test(exception.id)) report('error', `${path}.id`, 'An exception id is 16 hex digits.');
    if (exception.stack !== undefined && !Array.isArray(exception.stack)) report('error', `${path}.stack`, 'stack must be an array of frames.');
    for (const key of ['message', 'type'] as const) {
      if (exception[key] !== undefined && typeof exception[key] !== 'string') report('error', `${path}.${key}`, `${key} must be a string.`);
    }
  });
}
