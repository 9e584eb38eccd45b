// The volume handles of this driver's PersistentVolumes, for orphan detection (#16): one restartable watch on
// PVs (the API cannot select PVs by node, so the watch is cluster-wide) whose cache keeps only the name, the
// driver and the handle of each PV; and a fresh paged read from the API for the check right before a removal.
import { CoreV1Api, type KubeConfig, type V1PersistentVolume } from '@kubernetes/client-node';
import { PROVISIONER_NAMES } from '@openlocal/crd-types';
import { Informer, type Clock } from '@openlocal/kube-runtime';
import type { Logger } from 'pino';

export interface PvHandleSource {
  readonly hasSynced: boolean;
  /** Handles of every PV of this driver in the watch cache. */
  cachedHandles(): Set<string>;
  /** Handles of every PV of this driver, read from the API now (not the cache); throws when it cannot be read. */
  freshHandles(signal?: AbortSignal): Promise<Set<string>>;
}

const PAGE_SIZE = 500;

function handlesOf(pvs: readonly V1PersistentVolume[]): Set<string> {
  const handles = new Set<string>();
  for (const pv of pvs) {
    const csi = pv.spec?.csi;
    if (csi !== undefined && PROVISIONER_NAMES.includes(csi.driver)) handles.add(csi.volumeHandle);
  }
  return handles;
}

/** Keeps what orphan detection reads (and what the cache keys by): a PV is ~2 KiB, this ~200 bytes. */
function slimPv(pv: V1PersistentVolume): V1PersistentVolume {
  const { name, namespace, resourceVersion, uid } = pv.metadata ?? {};
  const csi = pv.spec?.csi;
  return {
    apiVersion: pv.apiVersion, kind: pv.kind, metadata: { name, namespace, resourceVersion, uid },
    ...(csi === undefined ? {} : { spec: { csi: { driver: csi.driver, volumeHandle: csi.volumeHandle } } }),
  };
}

export class PvHandleInformer implements PvHandleSource {
  private readonly informer: Informer<V1PersistentVolume>;
  private readonly core: CoreV1Api;

  constructor(options: { kubeConfig: KubeConfig; clock: Clock; logger: Logger; onRestart?: () => void }) {
    this.core = options.kubeConfig.makeApiClient(CoreV1Api);
    this.informer = new Informer<V1PersistentVolume>({
      name: 'persistentvolumes', kubeConfig: options.kubeConfig, path: '/api/v1/persistentvolumes',
      list: () => this.core.listPersistentVolume(),
      clock: options.clock, logger: options.logger, backoff: { baseMs: 500, maxMs: 30_000 }, onRestart: options.onRestart, project: slimPv,
    });
  }

  get hasSynced(): boolean {
    return this.informer.hasSynced;
  }

  cachedHandles(): Set<string> {
    return handlesOf(this.informer.list());
  }

  async freshHandles(signal?: AbortSignal): Promise<Set<string>> {
    const handles = new Set<string>();
    let continueToken: string | undefined;
    do {
      signal?.throwIfAborted();
      const page = await this.core.listPersistentVolume({ limit: PAGE_SIZE, ...(continueToken === undefined ? {} : { _continue: continueToken }) });
      for (const handle of handlesOf(page.items)) handles.add(handle);
      continueToken = page.metadata?._continue || undefined;
    } while (continueToken !== undefined);
    return handles;
  }

  start(): void {
    this.informer.start();
  }

  shutDown(): void {
    this.informer.shutDown();
  }
}
