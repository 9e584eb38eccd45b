import { describe, expect, it } from 'vitest';
import { healthyConditions, nodeObject, SIMULATED_NODE_LABEL } from './simulated-nodes.js';

describe('nodeObject', () => {
  const now = new Date('2026-01-02T03:04:05.678Z');

  it('labels the node with its hostname and the simulated label, and merges capacity over the defaults', () => {
    const node = nodeObject({ name: 'node-a', labels: { zone: 'z1' }, capacity: { cpu: '2' } }, now);
    expect(node.metadata?.labels).toMatchObject({ 'kubernetes.io/hostname': 'node-a', [SIMULATED_NODE_LABEL]: 'true', zone: 'z1' });
    expect(node.status?.capacity).toEqual({ cpu: '2', memory: '32Gi', pods: '110', 'ephemeral-storage': '100Gi' });
    expect(node.status?.allocatable).toEqual(node.status?.capacity);
    expect(node.status?.conditions?.find((condition) => condition.type === 'Ready')?.status).toBe('True');
  });

  it.each([
    { name: 'upper case', input: 'Node-A' },
    { name: 'an underscore', input: 'node_a' },
    { name: 'an empty name', input: '' },
  ])('refuses a node name with $name', ({ input }) => {
    expect(() => nodeObject({ name: input }, now)).toThrow(`simulated node name must be a DNS subdomain, got ${JSON.stringify(input)}`);
  });
});

describe('healthyConditions', () => {
  it('reports the heartbeat now but keeps the transition time of when the node became ready', () => {
    const since = new Date('2026-01-01T00:00:00Z');
    const now = new Date('2026-01-01T00:10:00Z');
    for (const condition of healthyConditions(now, since)) {
      expect(condition.lastHeartbeatTime).toEqual(now);
      expect(condition.lastTransitionTime).toEqual(since);
    }
  });
});
