import { CAUSE_PREFIX as CAUSE_JAVA, MAX_CAUSE_DEPTH } from '../../../trace/stack-with-causes';
import { MAX_STACK_FRAMES } from './limits';
import type { StackFrame } from './types';

/**
 * Node.js (V8) stack parsing for `cause.exceptions[].stack`, used when the resource's `telemetry.sdk.language` is a
 * JavaScript one (origin.ts).
 *
 * Frames are `    at label (location)` or `    at location`; labels are trimmed (the collector keeps a trailing
 * space); builtin frames (`<anonymous>`, `native`, `index N`) get `path: "native"` like the X-Ray Node SDK; `file://`
 * is dropped from ESM paths; Windows paths keep their drive (`C:\app\x.js`, the collector cuts at the colon).
 *
 * Chained causes are read from the stack text in either form Node users meet: `util.inspect`'s `[cause]: Type: msg`
 * blocks, or `Caused by: Type: msg` lines (what {@link stackWithCauses} writes). `err.stack` alone carries no causes,
 * so instrumentation that wants them in X-Ray records `stackWithCauses(err)` as `exception.stacktrace`.
 */

export interface ParsedException {
  type: string | undefined;
  message: string | undefined;
  frames: StackFrame[];
  /** Frames left out beyond {@link MAX_STACK_FRAMES}. */
  truncated: number;
}

const CAUSE_INSPECT = '[cause]: ';

// `TypeError: msg`, `TypeError [ERR_X]: msg`, `errors.MyError: msg`.
const HEADER_RE = /^([\w$.]+(?: \[[\w$.-]+\])?): ?([\s\S]*)$/;
const LINE_COL_RE = /^(.*):(\d+):\d+$/;
const LINE_RE = /^(.*):(\d+)$/;
const EVAL_LOCATION_RE = /\(([^()]*:\d+:\d+)\)/;

/**
 * Parses a V8 stack text into the exception and its chained causes, outermost first. Returns an empty array when
 * the text has no frames and no header.
 */
export function parseNodeStack(text: string): ParsedException[] {
  const out: ParsedException[] = [];
  let current: ParsedException | undefined;
  let skipping = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('at ')) {
      if (skipping) continue;
      if (current === undefined) {
        current = { type: undefined, message: undefined, frames: [], truncated: 0 };
        out.push(current);
      }
      if (current.frames.length >= MAX_STACK_FRAMES) current.truncated++;
      else current.frames.push(parseFrame(line));
      continue;
    }
    const causeHeader = line.startsWith(CAUSE_INSPECT)
      ? line.slice(CAUSE_INSPECT.length)
      : line.startsWith(CAUSE_JAVA)
        ? line.slice(CAUSE_JAVA.length)
        : undefined;
    if (causeHeader !== undefined || current === undefined) {
      if (out.length > MAX_CAUSE_DEPTH) break;
      current = fromHeader(causeHeader ?? line);
      out.push(current);
      skipping = false;
    } else if (line.startsWith('[errors]:')) {
      // AggregateError members are not causes; their frames must not land on the aggregate.
      skipping = true;
    } else if (current.frames.length === 0 && !skipping) {
      // A multi-line message, before the first frame.
      current.message = current.message === undefined ? raw : `${current.message}\n${raw}`;
    }
    // Anything else is util.inspect decoration: `... 2 lines matching cause stack trace ...`, `}`, `code: 'X'`.
  }
  return out;
}

function fromHeader(header: string): ParsedException {
  const cleaned = header.endsWith(' {') ? header.slice(0, -2) : header;
  const m = HEADER_RE.exec(cleaned);
  if (m !== null) return { type: m[1], message: m[2] === '' ? undefined : m[2], frames: [], truncated: 0 };
  return { type: undefined, message: cleaned, frames: [], truncated: 0 };
}

/** One `at …` line (already trimmed) → frame. Exported for tests. */
export function parseFrame(line: string): StackFrame {
  let rest = line.slice(3).trim();
  if (rest.endsWith(' {')) rest = rest.slice(0, -2); // util.inspect opens the property block on the last frame
  let label: string | undefined;
  let location = rest;
  const open = rest.indexOf(' (');
  if (open > 0 && rest.endsWith(')')) {
    label = rest.slice(0, open).trim();
    location = rest.slice(open + 2, -1);
  }
  const frame: StackFrame = {};
  if (location.startsWith('eval at ')) {
    // `eval at fn (file:///app/x.js:14:9), <anonymous>:1:7`: the eval call site is the useful place.
    location = EVAL_LOCATION_RE.exec(location)?.[1] ?? location;
  }
  const m = LINE_COL_RE.exec(location) ?? LINE_RE.exec(location);
  if (m !== null && m[1] !== undefined && m[1] !== '') {
    frame.path = stripFileScheme(m[1]);
    frame.line = Number(m[2]);
  } else if (location === 'native' || location === '<anonymous>' || location.startsWith('index ')) {
    frame.path = 'native';
  } else if (location !== '') {
    frame.path = stripFileScheme(location);
  }
  frame.label = label === undefined || label === '' ? 'anonymous' : label;
  return frame;
}

function stripFileScheme(path: string): string {
  return path.startsWith('file://') ? path.slice(7) : path;
}
