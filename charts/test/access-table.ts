// What each chart ServiceAccount must and must not be allowed to do, as SubjectAccessReview questions (the
// install test asks the real authorizer each one).
import type { AccessCheck } from './cluster.js';

export const NAMESPACE = 'kube-system';

/** Pure: one row per (account, access) with the verdict RBAC must give. */
function row(account: string, allowed: boolean, check: AccessCheck): { account: string; allowed: boolean; check: AccessCheck; what: string } {
  const resource = [check.group, check.resource].filter(Boolean).join('/') + (check.subresource ? `/${check.subresource}` : '');
  const where = check.namespace ? ` in ${check.namespace}` : '';
  return { account, allowed, check, what: `${allowed ? 'may' : 'may not'} ${check.verb} ${resource}${check.name ? ` ${check.name}` : ''}${where}` };
}

const NLS = { group: 'csi.aliyun.com', resource: 'nodelocalstorages' };
const NLSC = { group: 'csi.aliyun.com', resource: 'nodelocalstorageinitconfigs' };
const LEASES = { group: 'coordination.k8s.io', resource: 'leases' };
const SNAPSHOT_CONTENTS = { group: 'snapshot.storage.k8s.io', resource: 'volumesnapshotcontents' };

export const ACCESS = [
  row('agent', true, { verb: 'get', ...NLS, name: 'node-a' }),
  row('agent', true, { verb: 'watch', ...NLS }),
  row('agent', true, { verb: 'patch', ...NLS, subresource: 'status', name: 'node-a' }),
  row('agent', true, { verb: 'create', resource: 'events', namespace: 'default' }),
  row('agent', false, { verb: 'patch', ...NLS, name: 'node-a' }),
  row('agent', false, { verb: 'delete', resource: 'nodes', name: 'node-a' }),
  row('agent', false, { verb: 'get', resource: 'secrets', namespace: NAMESPACE }),
  row('agent', false, { verb: 'create', resource: 'persistentvolumes' }),
  row('agent', true, { verb: 'watch', resource: 'persistentvolumes' }),
  row('agent', false, { verb: 'delete', resource: 'persistentvolumes', name: 'local-x' }),
  row('agent', false, { verb: 'create', resource: 'events', namespace: NAMESPACE }),
  row('controller', true, { verb: 'list', resource: 'nodes' }),
  row('controller', true, { verb: 'create', ...NLS }),
  row('controller', true, { verb: 'delete', ...NLS, name: 'node-a' }),
  row('controller', true, { verb: 'watch', ...NLSC }),
  row('controller', true, { verb: 'create', ...LEASES, namespace: NAMESPACE }),
  row('controller', true, { verb: 'update', ...LEASES, namespace: NAMESPACE, name: 'open-local-controller' }),
  row('controller', false, { verb: 'update', ...LEASES, namespace: NAMESPACE, name: 'kube-scheduler' }),
  row('controller', false, { verb: 'get', ...LEASES, namespace: 'default', name: 'open-local-controller' }),
  row('controller', false, { verb: 'patch', ...NLS, subresource: 'status', name: 'node-a' }),
  row('controller', false, { verb: 'create', ...NLSC }),
  row('controller', false, { verb: 'delete', resource: 'nodes', name: 'node-a' }),
  // Node-loss recovery is off by default: no delete on claims or PVs.
  row('controller', false, { verb: 'delete', resource: 'persistentvolumeclaims', namespace: 'default', name: 'c' }),
  row('controller', false, { verb: 'delete', resource: 'persistentvolumes', name: 'local-x' }),
  row('scheduler-extender', true, { verb: 'list', resource: 'pods' }),
  row('scheduler-extender', true, { verb: 'watch', resource: 'persistentvolumeclaims' }),
  row('scheduler-extender', true, { verb: 'list', resource: 'persistentvolumes' }),
  row('scheduler-extender', true, { verb: 'watch', group: 'storage.k8s.io', resource: 'storageclasses' }),
  row('scheduler-extender', true, { verb: 'list', ...NLS }),
  row('scheduler-extender', true, { verb: 'watch', group: 'snapshot.storage.k8s.io', resource: 'volumesnapshots' }),
  row('scheduler-extender', false, { verb: 'update', group: 'snapshot.storage.k8s.io', resource: 'volumesnapshots', namespace: 'default', name: 's' }),
  row('scheduler-extender', false, { verb: 'patch', resource: 'pods', namespace: 'default', name: 'p' }),
  // The pending-claim rescue removes selected-node; it may change claims, never delete or create them.
  row('scheduler-extender', true, { verb: 'patch', resource: 'persistentvolumeclaims', namespace: 'default', name: 'c' }),
  row('scheduler-extender', false, { verb: 'delete', resource: 'persistentvolumeclaims', namespace: 'default', name: 'c' }),
  row('scheduler-extender', false, { verb: 'create', resource: 'persistentvolumeclaims', namespace: 'default' }),
  row('scheduler-extender', false, { verb: 'create', resource: 'pods', subresource: 'binding', namespace: 'default' }),
  row('scheduler-extender', false, { verb: 'update', ...NLS, name: 'node-a' }),
  row('scheduler-extender', false, { verb: 'list', resource: 'secrets' }),
  row('csi-node', true, { verb: 'create', resource: 'persistentvolumes' }),
  row('csi-node', true, { verb: 'delete', resource: 'persistentvolumes', name: 'local-x' }),
  row('csi-node', true, { verb: 'update', resource: 'persistentvolumeclaims', namespace: 'default', name: 'c' }),
  row('csi-node', true, { verb: 'create', resource: 'events', namespace: 'default' }),
  row('csi-node', false, { verb: 'get', resource: 'secrets', namespace: 'default' }),
  row('csi-node', true, { verb: 'get', ...NLS, name: 'node-a' }),
  row('csi-node', false, { verb: 'patch', ...NLS, subresource: 'status', name: 'node-a' }),
  row('csi-node', false, { verb: 'delete', resource: 'nodes', name: 'node-a' }),
  row('csi-controller', true, { verb: 'patch', resource: 'persistentvolumes', name: 'local-x' }),
  row('csi-controller', true, { verb: 'patch', resource: 'persistentvolumeclaims', subresource: 'status', namespace: 'default', name: 'c' }),
  row('csi-controller', true, { verb: 'create', ...LEASES, namespace: NAMESPACE }),
  row('csi-controller', false, { verb: 'create', resource: 'persistentvolumes' }),
  row('csi-controller', false, { verb: 'delete', resource: 'persistentvolumes', name: 'local-x' }),
  row('csi-controller', false, { verb: 'create', ...LEASES, namespace: 'default' }),
  // Snapshots (#17): csi-snapshotter and external-provisioner's restores under csi-node, and the snapshot-controller.
  row('csi-node', true, { verb: 'patch', ...SNAPSHOT_CONTENTS, subresource: 'status', name: 'snapcontent-x' }),
  row('csi-node', true, { verb: 'get', group: 'snapshot.storage.k8s.io', resource: 'volumesnapshots', namespace: 'default', name: 's' }),
  row('csi-node', false, { verb: 'create', ...SNAPSHOT_CONTENTS }),
  row('csi-node', false, { verb: 'delete', ...SNAPSHOT_CONTENTS, name: 'snapcontent-x' }),
  row('snapshot-controller', true, { verb: 'create', ...SNAPSHOT_CONTENTS }),
  row('snapshot-controller', true, { verb: 'update', group: 'snapshot.storage.k8s.io', resource: 'volumesnapshots', subresource: 'status', namespace: 'default', name: 's' }),
  row('snapshot-controller', true, { verb: 'list', resource: 'nodes' }),
  row('snapshot-controller', true, { verb: 'create', ...LEASES, namespace: NAMESPACE }),
  row('snapshot-controller', false, { verb: 'create', ...LEASES, namespace: 'default' }),
  row('snapshot-controller', false, { verb: 'get', resource: 'secrets', namespace: 'default' }),
  row('snapshot-controller', false, { verb: 'create', resource: 'persistentvolumes' }),
];

