import { describe, expect, it } from 'vitest';
import type { EventRecord } from '@openlocal/kube-runtime';
import { EventSink } from './event-sink.js';

function sink(): { events: EventRecord[]; sink: EventSink } {
  const events: EventRecord[] = [];
  const recorder = { record: (event: EventRecord) => Promise.resolve(void events.push(event)) };
  return { events, sink: new EventSink(recorder, () => ({ apiVersion: 'csi.aliyun.com/v1alpha1', kind: 'NodeLocalStorage', name: 'n1' })) };
}

describe('EventSink', () => {
  it('sends the same warning for a subject once, and again when it changes', async () => {
    const { events, sink: s } = sink();
    await s.warnOnce('vg/a', 'CreateVGFailed', 'device x missing');
    await s.warnOnce('vg/a', 'CreateVGFailed', 'device x missing');
    await s.warnOnce('vg/a', 'CreateVGFailed', 'device y missing');
    expect(events.map((e) => e.message)).toEqual(['device x missing', 'device y missing']);
    expect(events[0]).toMatchObject({ type: 'Warning', target: { kind: 'NodeLocalStorage', name: 'n1' } });
  });

  it('reports a problem again after it cleared and came back', async () => {
    const { events, sink: s } = sink();
    await s.warnOnce('status/InvalidListConfig', 'InvalidListConfig', 'bad');
    s.clear('status/', new Set());
    await s.warnOnce('status/InvalidListConfig', 'InvalidListConfig', 'bad');
    expect(events).toHaveLength(2);
  });
});
