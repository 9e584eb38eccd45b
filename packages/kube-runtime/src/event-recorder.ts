// core/v1 Events about our objects (cluster-scoped objects' events live in "default", as client-go does).
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Clock } from './clock.js';

export interface EventTarget {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid?: string;
}

export interface EventRecord {
  readonly target: EventTarget;
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

/** Records events; failures are logged, never thrown (an event is never worth failing a reconcile for). */
export interface EventRecorder {
  record(event: EventRecord): Promise<void>;
}

export function createEventRecorder(kubeConfig: KubeConfig, options: { component: string; instance: string; clock: Clock; logger: Logger }): EventRecorder {
  const api = kubeConfig.makeApiClient(CoreV1Api);
  let sequence = 0;
  return {
    async record({ target, type, reason, message }) {
      const now = new Date(options.clock.now());
      sequence += 1;
      const name = `${target.name}.${now.getTime().toString(16)}${sequence.toString(16)}`;
      try {
        await api.createNamespacedEvent({
          namespace: 'default',
          body: {
            metadata: { name, namespace: 'default' },
            involvedObject: { apiVersion: target.apiVersion, kind: target.kind, name: target.name, uid: target.uid },
            type, reason, message: message.slice(0, 1024),
            source: { component: options.component },
            reportingComponent: options.component,
            reportingInstance: options.instance,
            firstTimestamp: now, lastTimestamp: now, count: 1,
          },
        });
      } catch (error) {
        options.logger.warn({ err: error, reason, target: target.name }, 'could not record event');
      }
    },
  };
}
