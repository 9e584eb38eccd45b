// The agent's own NodeLocalStorage, watched (field selector on its name) through a restartable informer.
// Spec or annotation edits trigger an immediate rediscovery; status writes (ours) do not.
import { CustomObjectsApi, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import { ANNOTATIONS, GROUP, NLS, VERSION, type NodeLocalStorage } from '@openlocal/crd-types';
import type { Logger } from 'pino';
import type { Clock } from '@openlocal/kube-runtime';
import { Informer } from '@openlocal/kube-runtime';

type NlsObject = NodeLocalStorage & KubernetesObject;

export interface NlsSource {
  readonly hasSynced: boolean;
  current(): NodeLocalStorage | undefined;
  /** Called when the NLS appears or its spec or storage-reserved annotation changes. */
  onChange(handler: () => void): void;
}

export class OwnNlsInformer implements NlsSource {
  private readonly informer: Informer<NlsObject>;
  private readonly handlers: (() => void)[] = [];
  private lastKey: string | undefined;

  constructor(options: { kubeConfig: KubeConfig; nodeName: string; clock: Clock; logger: Logger; onRestart?: () => void }) {
    const api = options.kubeConfig.makeApiClient(CustomObjectsApi);
    const fieldSelector = `metadata.name=${options.nodeName}`;
    this.informer = new Informer<NlsObject>({
      name: 'nodelocalstorage', kubeConfig: options.kubeConfig, path: `/apis/${GROUP}/${VERSION}/${NLS.plural}`, fieldSelector,
      list: async () => (await api.listClusterCustomObject({ group: GROUP, version: VERSION, plural: NLS.plural, fieldSelector })) as KubernetesListObject<NlsObject>,
      clock: options.clock, logger: options.logger, backoff: { baseMs: 500, maxMs: 30_000 }, onRestart: options.onRestart,
    });
    const changed = (nls: NlsObject | undefined): void => {
      const key = nls ? JSON.stringify([nls.metadata?.uid, nls.metadata?.generation, nls.metadata?.annotations?.[ANNOTATIONS.storageReserved]]) : 'absent';
      if (key === this.lastKey) return;
      this.lastKey = key;
      for (const handler of this.handlers) handler();
    };
    this.informer.on('add', changed);
    this.informer.on('update', changed);
    this.informer.on('delete', () => changed(undefined));
  }

  get hasSynced(): boolean {
    return this.informer.hasSynced;
  }

  current(): NodeLocalStorage | undefined {
    return this.informer.list()[0];
  }

  onChange(handler: () => void): void {
    this.handlers.push(handler);
  }

  start(): void {
    this.informer.start();
  }

  shutDown(): void {
    this.informer.shutDown();
  }
}
