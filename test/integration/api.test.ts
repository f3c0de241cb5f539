import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { annotate, setUser, traceLinks, withSpan } from '../../src/api';
import type { Tracing } from '../../src/handle';
import { startBackends, type Backends } from '../helpers/backends';
import type { OtlpSink } from '../helpers/otlp-sink';
import type { UdpSink } from '../helpers/udp-sink';

describe('helper API against both backends', () => {
  let backends: Backends;
  let sink: OtlpSink;
  let udp: UdpSink;
  let tracing: Tracing;

  beforeEach(async () => {
    backends = await startBackends();
    ({ honeycomb: sink, xray: udp } = backends);
    tracing = backends.init();
  });
  afterEach(() => backends.close());

  it('should make annotate() an X-Ray annotation and a Honeycomb attribute, and setUser() the X-Ray user', async () => {
    let links: ReturnType<typeof traceLinks>;
    await withSpan('handler', async () => {
      annotate('activity.uuid', 'a-1');
      annotate('home.count', 20);
      setUser('andrew');
      links = traceLinks({ region: 'us-east-1' });
    });
    await tracing.forceFlush();
    const [span] = await sink.waitFor((s) => s.length === 1);
    expect(span!.attributes).toMatchObject({ 'activity.uuid': 'a-1', 'home.count': 20, 'enduser.id': 'andrew', 'user.id': 'andrew' });
    await udp.waitFor(1);
    const doc = udp.documents[0]!;
    expect(doc.annotations).toEqual({ 'activity.uuid': 'a-1', 'home.count': 20 });
    expect(doc.user).toBe('andrew');
    expect(links!.xrayTraceId).toBe(doc.trace_id);
    expect(links!.honeycomb).toContain(`/datasets/backend-flask/trace?trace_id=${span!.traceId}`);
  });
});
