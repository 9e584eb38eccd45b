// Prints how long the per-pass operations of an agent take on a large node: schema validation of an NLS with
// 200 LVs, listConfig filtering of 200 names by 50 patterns, and the storage-reserved parse. Not an assertion.
// Run: npx tsx packages/crd-types/bench/crd-types.bench.ts
import { performance } from 'node:perf_hooks';
import { filterStorageInfo, parseStorageReserved, validateNodeLocalStorage, type NodeLocalStorage } from '../src/index.js';

function bigNls(lvCount: number): NodeLocalStorage {
  const logicalVolumes = Array.from({ length: lvCount }, (_, i) => ({ name: `local-${i}`, vgname: 'pool-0', total: 1024 ** 3, condition: 'DiskReady' as const }));
  const deviceInfo = Array.from({ length: 200 }, (_, i) => ({ name: `/dev/vd${String.fromCharCode(97 + (i % 26))}${i}`, total: 1024 ** 4, readOnly: false, mediaType: 'ssd' as const }));
  return {
    apiVersion: 'csi.aliyun.com/v1alpha1',
    kind: 'NodeLocalStorage',
    metadata: { name: 'n1' },
    spec: { nodeName: 'n1', listConfig: { devices: { include: Array.from({ length: 50 }, (_, i) => `/dev/vd[a-z]${i}[0-9]*`) } } },
    status: { nodeStorageInfo: { deviceInfo, volumeGroups: [{ name: 'pool-0', physicalVolumes: ['/dev/vdb'], total: 2 ** 50, available: 2 ** 49, allocatable: 2 ** 50, logicalVolumes }] } },
  };
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function measure(name: string, runs: number, fn: () => unknown): { name: string; runs: number; medianMs: string } {
  fn(); // warm-up (compiles the validator, JITs the code)
  const samples = Array.from({ length: runs }, () => {
    const start = performance.now();
    fn();
    return performance.now() - start;
  });
  return { name, runs, medianMs: median(samples).toFixed(3) };
}

const nls = bigNls(200);
const info = nls.status?.nodeStorageInfo;
const listConfig = nls.spec?.listConfig;
const annotation = JSON.stringify(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`pool-${i}`, i % 2 === 0 ? `${i}Gi` : `${i}%`])));

const rows = [
  measure('validateNodeLocalStorage (200 LVs, 200 devices)', 200, () => validateNodeLocalStorage(nls)),
  measure('filterStorageInfo (200 devices x 50 patterns)', 200, () => filterStorageInfo(info, listConfig)),
  measure('parseStorageReserved (20 VGs)', 2000, () => parseStorageReserved(annotation)),
];
process.stdout.write(`node ${process.version}\n`);
console.table(rows);
