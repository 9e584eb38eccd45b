// etcd for one harness cluster: loopback only, a private data dir, no fsync (the data is thrown away).
import { toolPath } from './tools.js';
import type { ProcessGroup, ManagedProcess } from './process-group.js';
import { waitForHealthy } from './readiness.js';

export interface EtcdOptions {
  readonly dataDir: string;
  readonly clientPort: number;
  readonly peerPort: number;
}

/** Pure: etcd's argv (without the binary). */
export function etcdArgs(options: EtcdOptions): string[] {
  const client = `http://127.0.0.1:${options.clientPort}`;
  const peer = `http://127.0.0.1:${options.peerPort}`;
  return [
    '--name=openlocal-e2e',
    `--data-dir=${options.dataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=openlocal-e2e=${peer}`,
    '--initial-cluster-state=new',
    // Test data only: skipping fsync makes the API server several times faster on slow disks.
    '--unsafe-no-fsync',
    '--log-level=warn',
  ];
}

/** Starts etcd and waits for /health; returns the process and its client URL. */
export async function startEtcd(
  group: ProcessGroup,
  options: EtcdOptions & { readonly timeoutMs: number },
): Promise<{ process: ManagedProcess; url: string }> {
  const child = await group.start({ name: 'etcd', command: toolPath('etcd'), args: etcdArgs(options) });
  const url = `http://127.0.0.1:${options.clientPort}`;
  await waitForHealthy({ process: child, url: `${url}/health`, timeoutMs: options.timeoutMs, intervalMs: 100 });
  return { process: child, url };
}
