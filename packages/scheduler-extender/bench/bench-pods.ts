// Pods as kube-scheduler sends them in ExtenderArgs: the whole v1.Pod of a Deployment replica (managed fields,
// containers, the projected service-account token volume every pod has, tolerations, status), not a stub.
import { EIGHT_CLAIMS } from './three-vg-state.js';

const projectedToken = {
  name: 'kube-api-access-7xk2p',
  projected: {
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
    defaultMode: 420,
  },
};

function container(claims: string[]) {
  return {
    name: 'app',
    image: 'registry.example.com/team/app:1.27.3',
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
    env: [
      { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
      { name: 'LOG_LEVEL', value: 'info' },
    ],
    resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
    volumeMounts: [
      ...claims.map((_, i) => ({ name: `v${i}`, mountPath: `/data/${i}` })),
      { name: projectedToken.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' },
    ],
    readinessProbe: { httpGet: { path: '/ready', port: 8080, scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: 'IfNotPresent',
  };
}

/** 12 hex digits from the name, so each benchmark pod has its own UID (reservations are per pod). */
function uidSuffix(name: string): string {
  let hash = 0x811c9dc5;
  for (const char of name) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  return hash.toString(16).padStart(12, '0');
}

/**
 * The benchmark's pods, by cell: the filter bench sends them and the bench server's state holds them as its
 * informer would (the extender plans only for pods it knows from the API, issue #16).
 */
export const BENCH_PODS = {
  none: { key: 'bench/web-6d4cf56db6-x7k2p', claims: [] as string[] },
  one: { key: 'bench/p1-6d4cf56db6-q8r4m', claims: ['bench/p1-c0'] },
  four: { key: 'bench/p4-6d4cf56db6-z2n9w', claims: ['bench/p4-c0', 'bench/p4-c1', 'bench/p4-c2', 'bench/p4-c3'] },
  eight: { key: 'bench/p8-6d4cf56db6-k5t7v', claims: EIGHT_CLAIMS.map((_, c) => `bench/p8-c${c}`) },
} as const;

/** A pending pod `namespace/name` with one volume per claim name, plus the service-account token volume. */
export function schedulerPod(key: string, claims: string[]): Record<string, unknown> {
  const [namespace = '', name = ''] = key.split('/');
  return {
    metadata: {
      name,
      generateName: `${name.slice(0, -5)}-`,
      namespace,
      uid: `0b6f3a52-7d1e-4c1e-9a57-${uidSuffix(name)}`,
      resourceVersion: '184467',
      creationTimestamp: '2026-11-27T05:30:00Z',
      labels: { app: 'web', 'pod-template-hash': '6d4cf56db6' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-6d4cf56db6', uid: 'a1c2e3f4-0000-4000-8000-000000000001', controller: true, blockOwnerDeletion: true }],
      managedFields: [{ manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'v1', time: '2026-11-27T05:30:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:generateName': {}, 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:containers': {} } } }],
    },
    spec: {
      volumes: [...claims.map((claim, i) => ({ name: `v${i}`, persistentVolumeClaim: { claimName: claim.split('/')[1] ?? claim } })), projectedToken],
      containers: [container(claims)],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      serviceAccount: 'default',
      securityContext: {},
      schedulerName: 'default-scheduler',
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
      priority: 0,
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
    },
    status: { phase: 'Pending', qosClass: 'Burstable' },
  };
}
