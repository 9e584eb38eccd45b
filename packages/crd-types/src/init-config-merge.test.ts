// NodeLocalStorageInitConfig → node spec: global first, then matching nodesConfig entries replace wholesale.
import { describe, expect, it } from 'vitest';
import { InvalidSelectorError } from './errors.js';
import type { NodeLocalStorageInitConfigSpec } from './generated/nodelocalstorageinitconfig.js';
import { initConfigToNodeSpec } from './init-config-merge.js';

const globalConfig = {
  listConfig: { vgs: { include: ['open-local-pool-[0-9]+'] } },
  resourceToBeInited: { vgs: [{ name: 'open-local-pool-0', devices: ['/dev/vdb'] }] },
};
const ssdOverride = {
  selector: { matchLabels: { disk: 'ssd' } },
  listConfig: { vgs: { include: ['ssd-pool'] }, devices: { include: ['/dev/nvme0n1'] } },
};
const zoneOverride = {
  selector: { matchExpressions: [{ key: 'zone', operator: 'In' as const, values: ['b'] }] },
  spdkConfig: { deviceType: 'nvme', rpcSocket: '/var/tmp/spdk.sock' },
};

describe('initConfigToNodeSpec', () => {
  it.each<{ name: string; config: NodeLocalStorageInitConfigSpec | undefined; labels: Record<string, string>; want: object }>([
    { name: 'no matching entry gives the global config', config: { globalConfig, nodesConfig: [ssdOverride] }, labels: { disk: 'hdd' }, want: { nodeName: 'n1', ...globalConfig } },
    { name: 'a matching entry replaces all three blocks, dropping the global resourceToBeInited', config: { globalConfig, nodesConfig: [ssdOverride] }, labels: { disk: 'ssd' }, want: { nodeName: 'n1', listConfig: ssdOverride.listConfig } },
    { name: 'the last matching entry wins, with no field-level merge', config: { globalConfig, nodesConfig: [ssdOverride, zoneOverride] }, labels: { disk: 'ssd', zone: 'b' }, want: { nodeName: 'n1', spdkConfig: zoneOverride.spdkConfig } },
    { name: 'an entry without a selector matches no node', config: { globalConfig, nodesConfig: [{ listConfig: { vgs: { include: ['x'] } } }] }, labels: {}, want: { nodeName: 'n1', ...globalConfig } },
    { name: 'an entry with an empty selector matches every node', config: { globalConfig, nodesConfig: [{ selector: {}, listConfig: { vgs: { include: ['x'] } } }] }, labels: {}, want: { nodeName: 'n1', listConfig: { vgs: { include: ['x'] } } } },
    { name: 'no init config gives a spec with only the node name', config: undefined, labels: {}, want: { nodeName: 'n1' } },
    { name: 'no globalConfig and no match gives only the node name', config: { nodesConfig: [ssdOverride] }, labels: {}, want: { nodeName: 'n1' } },
  ])('$name', ({ config, labels, want }) => {
    expect(initConfigToNodeSpec(config, { name: 'n1', labels })).toEqual(want);
  });

  it('returns copies: editing the result leaves the init config untouched', () => {
    const config = structuredClone({ globalConfig });
    const spec = initConfigToNodeSpec(config, { name: 'n1' });
    spec.listConfig?.vgs?.include?.push('mutated');
    expect(config.globalConfig.listConfig.vgs.include).toEqual(['open-local-pool-[0-9]+']);
  });

  it('a malformed selector is a typed error naming the nodesConfig entry', () => {
    const config = { globalConfig, nodesConfig: [ssdOverride, { selector: { matchExpressions: [{ key: 'zone', operator: 'In' as const, values: [] }] } }] };
    expect(() => initConfigToNodeSpec(config, { name: 'n1', labels: {} })).toThrow(InvalidSelectorError);
    expect(() => initConfigToNodeSpec(config, { name: 'n1', labels: {} })).toThrow('spec.nodesConfig[1].selector.matchExpressions[0].values');
  });
});
