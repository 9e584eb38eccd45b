// Proof the cluster is real: a kube-scheduler configured with an extender stanza (as Open-Local users configure
// theirs) calls a test HTTP extender for filter and prioritize, sends node names only (nodeCacheCapable), and
// obeys the answers: the pod lands on the node the extender scored best, and refused nodes carry its reason.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, expect } from 'vitest';
import { freePorts, ProcessGroup, startScheduler, waitFor } from '../cluster/index.js';
import { clusterTest, describeCluster, simulatedNodes } from './harness.js';

const SCHEDULER_NAME = 'e2e-extender';
const REFUSAL = 'e2e extender refuses';

interface ExtenderCall {
  readonly verb: string;
  readonly body: { Pod?: V1Pod; Nodes?: unknown; NodeNames?: string[] | null };
}

/** A tiny extender: filter refuses the alphabetically first node (all for pods named reject-*); prioritize favours the last. */
class TestExtender {
  readonly calls: ExtenderCall[] = [];
  private readonly server: Server = createServer((request, response) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => {
      const call: ExtenderCall = { verb: request.url ?? '', body: JSON.parse(text) as ExtenderCall['body'] };
      this.calls.push(call);
      response.setHeader('Content-Type', 'application/json');
      response.end(JSON.stringify(this.answer(call)));
    });
  });

  async listen(): Promise<number> {
    await new Promise<void>((resolveListen) => this.server.listen(0, '127.0.0.1', resolveListen));
    return (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    return new Promise((resolveClose) => this.server.close(() => resolveClose()));
  }

  callsFor(podName: string, verb: string): ExtenderCall[] {
    return this.calls.filter((call) => call.verb === `/scheduler/${verb}` && call.body.Pod?.metadata?.name === podName);
  }

  private answer(call: ExtenderCall): object {
    const names = call.body.NodeNames ?? [];
    const isReject = call.body.Pod?.metadata?.name?.startsWith('reject') ?? false;
    if (call.verb === '/scheduler/predicates') {
      // By sorted name: kube-scheduler sends the candidates in no fixed order.
      const refused = isReject ? names : [...names].sort().slice(0, 1);
      const kept = names.filter((name) => !refused.includes(name));
      return { NodeNames: kept, FailedNodes: Object.fromEntries(refused.map((name) => [name, `${REFUSAL} ${name}`])), Error: '' };
    }
    const best = [...names].sort().at(-1);
    return names.map((name) => ({ Host: name, Score: name === best ? 10 : 0 }));
  }
}

function pod(name: string): V1Pod {
  return {
    metadata: { name },
    spec: {
      schedulerName: SCHEDULER_NAME,
      nodeSelector: { 'openlocal.e2e/simulated': 'true' },
      containers: [{ name: 'app', image: 'registry.invalid/never-pulled:0' }],
    },
  };
}

async function readPod(kubeConfig: KubeConfig, namespace: string, name: string): Promise<V1Pod> {
  return kubeConfig.makeApiClient(CoreV1Api).readNamespacedPod({ name, namespace });
}

describeCluster('kube-scheduler with an HTTP extender', (info) => {
  const extender = new TestExtender();
  const group = new ProcessGroup(info.runDir);
  const sortedNodes = [...simulatedNodes].sort();

  beforeAll(async () => {
    const extenderPort = await extender.listen();
    const [schedulerPort] = (await freePorts(1)) as [number];
    await startScheduler(group, {
      kubeconfigPath: info.kubeconfigPath,
      schedulerName: SCHEDULER_NAME,
      extenders: [
        {
          urlPrefix: `http://127.0.0.1:${extenderPort}/scheduler`,
          filterVerb: 'predicates',
          prioritizeVerb: 'priorities',
          weight: 10,
          nodeCacheCapable: true,
          ignorable: false,
          // The default 5 s can pass on a loaded 2-core machine; a timed-out prioritize silently scores nothing.
          httpTimeout: '30s',
        },
      ],
      securePort: schedulerPort,
      pki: info.pki,
      workDir: info.workDir,
      timeoutMs: 60_000,
      // 5 logs a failed extender call, which is what one needs when this test fails.
      verbosity: 5,
    });
  });

  afterAll(async () => {
    await group.stopAll();
    await extender.close();
  });

  clusterTest('the pod goes to the node the extender kept and scored best', async ({ kubeConfig, namespace }) => {
    await kubeConfig.makeApiClient(CoreV1Api).createNamespacedPod({ namespace, body: pod('web') });
    const placed = await waitFor({ what: `pod ${namespace}/web to be bound by ${SCHEDULER_NAME}`, timeoutMs: 60_000 }, async () => {
      const current = await readPod(kubeConfig, namespace, 'web');
      return current.spec?.nodeName ? { done: true, value: current.spec.nodeName } : { done: false, observed: current.status };
    });
    expect(placed).toBe(sortedNodes.at(-1));

    const [filter] = extender.callsFor('web', 'predicates');
    expect(filter?.body.Pod?.metadata?.name).toBe('web');
    expect(filter?.body.Pod?.metadata?.namespace).toBe(namespace);
    expect(filter?.body.Pod?.spec?.schedulerName).toBe(SCHEDULER_NAME);
    // nodeCacheCapable: names only, no Node objects.
    expect([...(filter?.body.NodeNames ?? [])].sort()).toEqual(sortedNodes);
    expect(filter?.body.Nodes ?? null).toBeNull();
    const [prioritize] = extender.callsFor('web', 'priorities');
    expect([...(prioritize?.body.NodeNames ?? [])].sort()).toEqual(sortedNodes.slice(1));
  });

  clusterTest('nodes the extender refuses leave the pod unschedulable with the extender reason', async ({ kubeConfig, namespace }) => {
    await kubeConfig.makeApiClient(CoreV1Api).createNamespacedPod({ namespace, body: pod('reject-all') });
    const condition = await waitFor({ what: `pod ${namespace}/reject-all to be marked Unschedulable`, timeoutMs: 60_000 }, async () => {
      const current = await readPod(kubeConfig, namespace, 'reject-all');
      const scheduled = current.status?.conditions?.find((entry) => entry.type === 'PodScheduled');
      return scheduled?.reason === 'Unschedulable' ? { done: true, value: scheduled } : { done: false, observed: current.status };
    });
    expect(condition.status).toBe('False');
    expect(condition.message).toContain(REFUSAL);
    expect((await readPod(kubeConfig, namespace, 'reject-all')).spec?.nodeName).toBeUndefined();
    expect(extender.callsFor('reject-all', 'predicates').length).toBeGreaterThan(0);
    expect(extender.callsFor('reject-all', 'priorities')).toEqual([]);
  });
});
