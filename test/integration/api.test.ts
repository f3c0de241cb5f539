import { describe, expect, it } from 'vitest';
import { annotate, setUser, traceLinks, withSpan } from '../../src/api';
import { useBackends } from '../helpers/backends';

describe('helper API against both backends', () => {
  const backends = useBackends({}, { init: true });

  it('should make annotate() an X-Ray annotation and a Honeycomb attribute, and setUser() the X-Ray user', async () => {
    let links: ReturnType<typeof traceLinks>;
    await withSpan('handler', async () => {
      annotate('activity.uuid', 'a-1');
      annotate('home.count', 20);
      setUser('andrew');
      links = traceLinks({ region: 'us-east-1' });
    });
    await backends.tracing.forceFlush();
    const [span] = await backends.honeycomb.waitFor((s) => s.length === 1);
    expect(span!.attributes).toMatchObject({ 'activity.uuid': 'a-1', 'home.count': 20, 'enduser.id': 'andrew', 'user.id': 'andrew' });
    await backends.xray.waitFor(1);
    const doc = backends.xray.documents[0]!;
    expect(doc.annotations).toEqual({ 'activity.uuid': 'a-1', 'home.count': 20 });
    expect(doc.user).toBe('andrew');
    expect(links!.xrayTraceId).toBe(doc.trace_id);
    expect(links!.honeycomb).toContain(`/datasets/backend-flask/trace?trace_id=${span!.traceId}`);
  });
});
