import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseFrame, parseNodeStack } from './stack';
import { stackWithCauses } from '../../../trace/stack-with-causes';

function thrown(make: () => never): Error {
  try {
    make();
  } catch (error) {
    return error as Error;
  }
  throw new Error('did not throw');
}

function connectToDb(): never {
  throw new RangeError('socket closed');
}

function loadActivities(): never {
  try {
    connectToDb();
  } catch (cause) {
    throw new TypeError('db down', { cause });
  }
}

function handleRequest(): never {
  try {
    loadActivities();
  } catch (cause) {
    throw new Error('request failed', { cause });
  }
}

describe('parseFrame', () => {
  it('should parse labelled, bare, native, ESM, eval and Windows frames', () => {
    expect(parseFrame('at speedy (/home/gbusey/file.js:6:11)')).toEqual({ path: '/home/gbusey/file.js', line: 6, label: 'speedy' });
    expect(parseFrame('at /home/gbusey/file.js:6:11')).toEqual({ path: '/home/gbusey/file.js', line: 6, label: 'anonymous' });
    expect(parseFrame('at Array.forEach (native)')).toEqual({ path: 'native', label: 'Array.forEach' });
    expect(parseFrame('at JSON.parse (<anonymous>)')).toEqual({ path: 'native', label: 'JSON.parse' });
    expect(parseFrame('at async Promise.all (index 0)')).toEqual({ path: 'native', label: 'async Promise.all' });
    expect(parseFrame('at file:///app/src/server.mjs:3:42')).toEqual({ path: '/app/src/server.mjs', line: 3, label: 'anonymous' });
    expect(parseFrame('at node:internal/modules/esm/module_job:325:25')).toEqual({ path: 'node:internal/modules/esm/module_job', line: 325, label: 'anonymous' });
    expect(parseFrame('at eval (eval at <anonymous> (file:///app/x.mjs:14:9), <anonymous>:1:7)')).toEqual({ path: '/app/x.mjs', line: 14, label: 'eval' });
    expect(parseFrame('at Object.<anonymous> (C:\\app\\index.js:6:11)')).toEqual({ path: 'C:\\app\\index.js', line: 6, label: 'Object.<anonymous>' });
    expect(parseFrame('at Foo.bar [as baz]   (/x.js:1:2) {')).toEqual({ path: '/x.js', line: 1, label: 'Foo.bar [as baz]' });
  });
});

describe('parseNodeStack', () => {
  it('should parse a real V8 stack with trimmed labels', () => {
    const error = thrown(connectToDb);
    const [parsed, ...rest] = parseNodeStack(error.stack ?? '');
    expect(rest).toEqual([]);
    expect(parsed?.type).toBe('RangeError');
    expect(parsed?.message).toBe('socket closed');
    expect(parsed?.frames[0]).toEqual({ path: expect.stringMatching(/stack\.test\.ts$/), line: expect.any(Number), label: 'connectToDb' });
    for (const frame of parsed?.frames ?? []) expect(frame.label).toBe(frame.label?.trim());
  });

  it('should read chained causes from util.inspect output', () => {
    const parsed = parseNodeStack(inspect(thrown(handleRequest)));
    expect(parsed.map((p) => [p.type, p.message])).toEqual([
      ['Error', 'request failed'],
      ['TypeError', 'db down'],
      ['RangeError', 'socket closed'],
    ]);
    expect(parsed[1]?.frames[0]?.label).toBe('loadActivities');
    expect(parsed[2]?.frames[0]?.label).toBe('connectToDb');
  });

  it('should read chained causes from stackWithCauses output', () => {
    const text = stackWithCauses(thrown(handleRequest)) ?? '';
    expect(text).toContain('\nCaused by: TypeError: db down\n');
    const parsed = parseNodeStack(text);
    expect(parsed.map((p) => p.type)).toEqual(['Error', 'TypeError', 'RangeError']);
    expect(parsed[2]?.frames[0]?.label).toBe('connectToDb');
  });

  it('should keep multi-line messages, Node error codes and skip decoration lines', () => {
    const parsed = parseNodeStack(
      [
        "TypeError [ERR_INVALID_ARG_TYPE]: The \"path\" argument must be of type string",
        '    at validate (node:internal/validators:1:1)',
        '    ... 2 lines matching cause stack trace ...',
        "    at main (/app/main.js:3:1) {",
        "  code: 'ERR_INVALID_ARG_TYPE'",
        '}',
      ].join('\n'),
    );
    expect(parsed).toEqual([
      {
        type: 'TypeError [ERR_INVALID_ARG_TYPE]',
        message: 'The "path" argument must be of type string',
        frames: [
          { path: 'node:internal/validators', line: 1, label: 'validate' },
          { path: '/app/main.js', line: 3, label: 'main' },
        ],
        truncated: 0,
      },
    ]);
    expect(parseNodeStack('Error: line one\nline two\n    at x (/a.js:1:1)')[0]?.message).toBe('Error: line one\nline two'.slice(7));
  });

  it('should cap frames and count the rest as truncated', () => {
    const text = ['Error: deep', ...Array.from({ length: 100 }, (_, i) => `    at f${i} (/a.js:${i + 1}:1)`)].join('\n');
    const [parsed] = parseNodeStack(text);
    expect(parsed?.frames).toHaveLength(64);
    expect(parsed?.truncated).toBe(36);
  });

  it('should not attach AggregateError members to the aggregate', () => {
    const parsed = parseNodeStack(inspect(new AggregateError([new Error('a')], 'all failed')));
    expect(parsed).toHaveLength(1);
    expect(parsed[0]?.type).toBe('AggregateError');
    expect(parsed[0]?.frames.every((f) => !f.label?.startsWith('Error'))).toBe(true);
  });
});

describe('stackWithCauses', () => {
  it('should stop at cycles and describe non-Error causes', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(stackWithCauses(b)?.match(/Caused by:/g)).toHaveLength(1);
    expect(stackWithCauses(new Error('x', { cause: { code: 42 } }))).toContain('Caused by: {"code":42}');
    expect(stackWithCauses('not an error')).toBeUndefined();
  });
});
