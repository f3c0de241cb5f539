/**
 * Checks one segment document against the X-Ray segment document format
 * (https://docs.aws.amazon.com/xray/latest/devguide/xray-api-segmentdocuments.html): required fields, id and trace id
 * formats, times, names, namespaces, and the blocks (http, annotations, metadata, cause) checked in blocks.ts.
 * Nested subsegments are checked too, each problem carrying the id of the (sub)segment it concerns.
 */
import { MAX_NAME_LENGTH } from '../../exporters/xray/translate/limits';
import { checkAnnotations, checkCause, checkHttp, checkMetadata, isObject } from './blocks';
import type { Problem } from './problem';

export const SPAN_ID_RE = /^[0-9a-fA-F]{16}$/;
/** `1-{8 hex digits: epoch seconds}-{24 hex digits}` (segment documents, "Trace ID format"). */
export const TRACE_ID_RE = /^1-[0-9a-fA-F]{8}-[0-9a-fA-F]{24}$/;
/** Names: "Unicode letters, numbers, and whitespace, and the following symbols: _, ., :, /, %, &, #, =, +, \, -, @". */
const NAME_RE = /^[\p{L}\p{N}\s_.:/%&#=+\\@-]+$/u;
/** Epoch seconds above this (year 5138) are almost surely milliseconds. */
const MILLISECONDS_LIKELY = 1e11;

type Doc = Record<string, unknown>;
type Report = (severity: Problem['severity'], path: string | undefined, message: string) => void;

/** Problems of a document as it arrived in a datagram (`nested` false) and of every subsegment nested in it. */
export function validateDocument(doc: Doc, nested = false): Problem[] {
  const problems: Problem[] = [];
  check(doc, nested, problems);
  return problems;
}

function check(doc: Doc, nested: boolean, problems: Problem[]): void {
  const segmentId = typeof doc.id === 'string' ? doc.id : undefined;
  const report: Report = (severity, path, message) => problems.push({ severity, message, ...(path ? { path } : {}), ...(segmentId ? { segmentId } : {}) });
  const independentSubsegment = !nested && doc.type === 'subsegment';
  const what = nested || independentSubsegment ? 'subsegment' : 'segment';

  checkName(doc.name, report);
  if (doc.id === undefined) report('error', 'id', `A ${what} needs an id (16 hex digits).`);
  else if (typeof doc.id !== 'string' || !SPAN_ID_RE.test(doc.id)) report('error', 'id', `id ${show(doc.id)} is not 16 hex digits.`);

  if (!nested) {
    if (doc.trace_id === undefined) report('error', 'trace_id', `A ${what} sent on its own needs a trace_id.`);
    else if (typeof doc.trace_id !== 'string' || !TRACE_ID_RE.test(doc.trace_id)) report('error', 'trace_id', `trace_id ${show(doc.trace_id)} is not 1-{8 hex}-{24 hex}.`);
  } else if (doc.trace_id !== undefined && doc.trace_id !== null) {
    report('warning', 'trace_id', 'A nested subsegment takes its trace from the enclosing document; this trace_id is not used.');
  }
  if (doc.parent_id !== undefined && (typeof doc.parent_id !== 'string' || !SPAN_ID_RE.test(doc.parent_id))) {
    report('error', 'parent_id', `parent_id ${show(doc.parent_id)} is not 16 hex digits.`);
  }
  if (doc.type !== undefined && doc.type !== 'subsegment') report('error', 'type', `type ${show(doc.type)}: the only type is "subsegment".`);
  if (independentSubsegment && doc.parent_id === undefined) report('error', 'parent_id', 'A subsegment sent on its own needs the parent_id of its (sub)segment.');
  if (!nested && doc.type === undefined && (doc.namespace !== undefined)) report('warning', 'namespace', 'namespace applies to subsegments; on a segment it is ignored.');
  if (doc.namespace !== undefined && doc.namespace !== 'aws' && doc.namespace !== 'remote') {
    report('error', 'namespace', `namespace ${show(doc.namespace)}: only "aws" and "remote" exist.`);
  }

  checkTimes(doc, report);
  for (const flag of ['error', 'fault', 'throttle', 'in_progress'] as const) {
    if (doc[flag] !== undefined && typeof doc[flag] !== 'boolean') report('error', flag, `${flag} must be true or false (got ${show(doc[flag])}).`);
  }
  for (const field of ['user', 'origin'] as const) {
    if (doc[field] !== undefined && typeof doc[field] !== 'string') report('error', field, `${field} must be a string.`);
  }
  if (doc.http !== undefined) checkHttp(doc.http, report);
  if (doc.annotations !== undefined) checkAnnotations(doc.annotations, report);
  if (doc.metadata !== undefined) checkMetadata(doc.metadata, report);
  if (doc.cause !== undefined) checkCause(doc.cause, report);
  for (const block of ['aws', 'sql', 'service'] as const) {
    if (doc[block] !== undefined && !isObject(doc[block])) report('error', block, `${block} must be an object.`);
  }

  if (doc.subsegments !== undefined) {
    if (!Array.isArray(doc.subsegments)) report('error', 'subsegments', 'subsegments must be an array of subsegments.');
    else {
      doc.subsegments.forEach((child, i) => {
        if (isObject(child)) check(child, true, problems);
        else report('error', `subsegments[${i}]`, 'A nested subsegment must be an object.');
      });
    }
  }
}

function checkName(name: unknown, report: Report): void {
  if (name === undefined || name === '') return report('error', 'name', 'A name is required.');
  if (typeof name !== 'string') return report('error', 'name', `name must be a string (got ${show(name)}).`);
  const length = Array.from(name).length;
  if (length > MAX_NAME_LENGTH) report('error', 'name', `name is ${length} characters; X-Ray allows ${MAX_NAME_LENGTH}.`);
  if (!NAME_RE.test(name)) {
    const bad = [...new Set(Array.from(name).filter((ch) => !NAME_RE.test(ch)))].slice(0, 5).map((ch) => JSON.stringify(ch)).join(' ');
    report('error', 'name', `name has characters X-Ray does not allow: ${bad} (letters, digits, whitespace and _ . : / % & # = + \\ - @ only).`);
  }
}

function checkTimes(doc: Doc, report: Report): void {
  const start = doc.start_time;
  if (start === undefined) report('error', 'start_time', 'start_time is required (epoch seconds).');
  else if (typeof start !== 'number' || !Number.isFinite(start) || start <= 0) report('error', 'start_time', `start_time ${show(start)} is not epoch seconds.`);
  else if (start > MILLISECONDS_LIKELY) report('error', 'start_time', `start_time ${start} looks like milliseconds; X-Ray wants seconds (e.g. 1480615200.010).`);

  const end = doc.end_time;
  const inProgress = doc.in_progress === true;
  if (end === undefined && !inProgress) report('error', 'end_time', 'Needs end_time, or in_progress: true while the work goes on.');
  if (end !== undefined) {
    if (typeof end !== 'number' || !Number.isFinite(end) || end <= 0) report('error', 'end_time', `end_time ${show(end)} is not epoch seconds.`);
    else if (typeof start === 'number' && end < start) report('error', 'end_time', `end_time is ${((start - end) * 1000).toFixed(3)} ms before start_time.`);
    else if (end > MILLISECONDS_LIKELY) report('error', 'end_time', `end_time ${end} looks like milliseconds; X-Ray wants seconds.`);
    if (inProgress) report('warning', 'in_progress', 'in_progress is true but end_time is set; send one or the other.');
  } else if (inProgress) {
    report('warning', 'in_progress', 'In progress: X-Ray shows it as pending until a complete version with end_time arrives.');
  }
}

/** A value for a message: short, and never a whole document. */
export function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : value === undefined ? 'undefined' : JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
