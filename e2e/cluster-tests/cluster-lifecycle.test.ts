// The harness's own promises, checked against real processes: a cluster's teardown stops exactly the
// processes it started and removes its work dir, and a start that fails cleans up and says why.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { CoreV1Api } from '@kubernetes/client-node';
import { expect, it } from 'vitest';
import { createRunDir, freePorts, loadKubeConfig, startCluster } from '../cluster/index.js';
import { clusterInfo, describeCluster } from './harness.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    // ESRCH: the process is gone, which is what these tests want to see.
    return false;
  }
}

describeCluster('cluster lifecycle', (_info) => {
  it('a second cluster stops exactly its own processes and removes its work dir; the shared one keeps running', async () => {
    const second = await startCluster({ nodes: [{ name: 'lonely' }] });
    const pids = second.processes().map((child) => child.pid);
    expect(second.processes().map((child) => child.name)).toEqual(['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']);
    expect(pids.every(isAlive)).toBe(true);
    const nodes = await second.kubeConfig.makeApiClient(CoreV1Api).listNode();
    expect(nodes.items.map((node) => node.metadata?.name)).toEqual(['lonely']);

    const { teardownMs } = await second.stop();
    console.log(`[e2e:cluster] second cluster: ready ${second.timings.readyMs} ms, teardown ${teardownMs} ms`);
    expect(pids.filter(isAlive)).toEqual([]);
    expect(existsSync(second.workDir)).toBe(false);
    expect(readdirSync(second.runDir).sort()).toEqual(['etcd.log', 'kube-apiserver.log', 'kube-controller-manager.log', 'kube-scheduler.log']);
    expect(second.problems()).toEqual([]);

    const shared = await loadKubeConfig(clusterInfo?.kubeconfigPath ?? '').makeApiClient(CoreV1Api).listNode();
    expect(shared.items.length).toBeGreaterThanOrEqual(3);
  });

  it('a start that loses a port to another process (a harness beside this one) is tried again with new ports', async () => {
    const squatter = createServer();
    await new Promise<void>((resolveListen) => squatter.listen({ host: '127.0.0.1', port: 0, exclusive: true }, resolveListen));
    const taken = (squatter.address() as AddressInfo).port;
    let asks = 0;
    // The first ask hands etcd's client port to the squatter's port, as a race with another harness would.
    const racingPorts = async (count: number): Promise<number[]> => {
      asks += 1;
      const fresh = await freePorts(count);
      return asks === 1 ? [taken, ...fresh.filter((port) => port !== taken).slice(0, count - 1)] : fresh;
    };
    const runDir = createRunDir('cluster-port-race');
    try {
      const cluster = await startCluster({ runDir, freePorts: racingPorts });
      try {
        expect(asks).toBe(2);
        expect(readFileSync(`${runDir}/etcd.log`, 'utf8')).toMatch(/address already in use/);
        expect(cluster.runDir).toBe(`${runDir}-attempt-2`);
        const nodes = await cluster.kubeConfig.makeApiClient(CoreV1Api).listNode();
        expect(nodes.items).toEqual([]);
      } finally {
        await cluster.stop();
      }
    } finally {
      squatter.close();
    }
  });

  it('a start that fails stops what it started, removes its work dir and quotes the failing component', async () => {
    const runDir = createRunDir('cluster-failed');
    const error = await startCluster({ apiServerExtraArgs: ['--no-such-flag=1'], runDir }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toMatch(/^cluster start failed \(logs in .*\): kube-apiserver ended \(exit code 1\) before https:\/\/127\.0\.0\.1:\d+\/readyz was healthy/);
    expect(message).toContain(runDir);
    expect(message).toContain('unknown flag: --no-such-flag');

    // etcd had started: its log's argv names the work dir, which must be gone, with no process still using it.
    const dataDir = /--data-dir=([^"]+)\/etcd"/.exec(readFileSync(`${runDir}/etcd.log`, 'utf8'))?.[1] ?? '';
    expect(dataDir).toMatch(/openlocal-e2e-/);
    expect(existsSync(dataDir)).toBe(false);
    const users = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dataDir);
      } catch {
        // The process ended while we looked: it is not using the dir.
        return false;
      }
    });
    expect(users).toEqual([]);
  });
});
