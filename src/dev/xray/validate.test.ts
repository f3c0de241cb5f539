import { describe, expect, it } from 'vitest';
import { parseDatagram } from './datagram';
import { validateDocument } from './validate';

const TRACE = '1-5759e988-bd862e3fe1be46a994272793';
const ok = { name: 'api.example.com', id: 'defdfd9912dc5a56', trace_id: TRACE, start_time: 1461096053.37518, end_time: 1461096053.4042 };
const messages = (doc: Record<string, unknown>, nested = false) => validateDocument(doc, nested).map((p) => `${p.severity} ${p.path ?? ''}: ${p.message}`);

describe('validateDocument (X-Ray segment document rules)', () => {
  it('should find nothing wrong with the documented examples', () => {
    expect(validateDocument(ok)).toEqual([]);
    expect(validateDocument({ ...ok, type: 'subsegment', parent_id: '53995c3f42cd8ad8', namespace: 'remote' })).toEqual([]);
    expect(validateDocument({ name: 'x', id: 'defdfd9912dc5a56', trace_id: TRACE, start_time: 1, in_progress: true })[0]!.severity).toBe('warning');
  });

  it('should flag ids, trace ids, names and times that break the rules', () => {
    const found = messages({ name: 'bad<name>', id: 'xyz', trace_id: '1-abc', start_time: 1461096053375, parent_id: 7 });
    expect(found).toEqual(expect.arrayContaining([
      expect.stringMatching(/^error name: .*"<" ">"/),
      expect.stringMatching(/^error id: id "xyz" is not 16 hex digits/),
      expect.stringMatching(/^error trace_id: /),
      expect.stringMatching(/^error start_time: .*looks like milliseconds/),
      expect.stringMatching(/^error end_time: Needs end_time, or in_progress/),
      expect.stringMatching(/^error parent_id: /),
    ]));
    expect(messages({ ...ok, name: 'n'.repeat(201) })).toEqual([expect.stringMatching(/name is 201 characters; X-Ray allows 200/)]);
    expect(messages({ ...ok, end_time: ok.start_time - 1 })).toEqual([expect.stringMatching(/end_time is 1000\.000 ms before start_time/)]);
    expect(messages({ ...ok, type: 'subsegment' })).toEqual([expect.stringMatching(/needs the parent_id/)]);
    expect(messages({ ...ok, namespace: 'local' })).toEqual(expect.arrayContaining([expect.stringMatching(/only "aws" and "remote"/)]));
  });

  it('should check annotations, metadata and cause, and put problems of nested subsegments on them', () => {
    const doc = {
      ...ok,
      annotations: { good_key: 1, 'user-id': 'u', obj: { a: 1 } },
      metadata: { 'AWS.custom': {}, dualtrace: { truncated: ['metadata.default.payload'] } },
      cause: { exceptions: [{ id: 'nothex', message: 'boom' }] },
      subsegments: [{ name: 'child', id: '53995c3f42cd8ad8', start_time: 1, end_time: 2, annotations: { 'a b': true } }],
    };
    const problems = validateDocument(doc);
    const byPath = Object.fromEntries(problems.map((p) => [p.path, p]));
    expect(byPath['annotations.user-id']).toMatchObject({ severity: 'error', segmentId: ok.id });
    expect(byPath['annotations.obj']!.message).toContain('an object');
    expect(byPath['annotations.good_key']).toBeUndefined();
    expect(byPath['metadata.AWS.custom']!.severity).toBe('warning');
    expect(byPath['metadata.dualtrace.truncated']).toMatchObject({ severity: 'info', message: expect.stringContaining('metadata.default.payload') });
    expect(byPath['cause.exceptions[0].id']!.severity).toBe('error');
    expect(byPath['annotations.a b']).toMatchObject({ severity: 'error', segmentId: '53995c3f42cd8ad8' });
  });
});

describe('parseDatagram (the X-Ray daemon\'s split)', () => {
  const datagram = (text: string) => parseDatagram(Buffer.from(text));

  it('should take the header line and one JSON document, as the daemon does', () => {
    const d = datagram(`{"format":"json","version":1}\n${JSON.stringify(ok)}`);
    expect(d).toMatchObject({ rejectedByDaemon: false, traceId: TRACE, problems: [] });
    expect(d.document).toEqual(ok);
    expect(datagram(`{"format": "JSON", "version": 1, "extra": true}\n${JSON.stringify(ok)}`).problems).toEqual([]);
  });

  it('should say what the daemon drops and what X-Ray rejects', () => {
    expect(datagram(JSON.stringify(ok))).toMatchObject({ rejectedByDaemon: true, traceId: TRACE, problems: [{ message: expect.stringContaining('Missing header') }] });
    expect(datagram(`{"format":"json","version":2}\n{}`).problems[0]!.message).toContain('Invalid header');
    expect(datagram(`{"format":"json","version":1}\n{"trace_id":"${TRACE}", oops`)).toMatchObject({ rejectedByDaemon: false, traceId: TRACE, problems: [{ message: expect.stringContaining('not JSON') }] });
    expect(datagram('{"format":"json","version":1}\n[1,2]').problems[0]!.message).toContain('an array');
    expect(datagram('{"format":"json","version":1}\nT1SAAAA').problems[0]!.message).toContain('Lambda');
    const big = datagram(`{"format":"json","version":1}\n${JSON.stringify({ ...ok, metadata: { default: { x: 'y'.repeat(64_000) } } })}`);
    expect(big.problems[0]!.message).toMatch(/over X-Ray's 64 kB/);
  });
});
