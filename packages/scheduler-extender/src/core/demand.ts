// What one pod asks of a node: its unbound claims of our StorageClasses and its inline volumes of our driver,
// decoded together so the filter can place them together. Configuration mistakes become one readable reason.
import { parseInlineVolumeAttributes, parseStorageClassParameters, STORAGE_CLASS_PARAMS, type ParameterIssue } from '@openlocal/crd-types';
import type { PodShape, PodVolumeShape } from './k8s-shapes.js';
import { claimKey, requestedSize, type ClaimInfo, type StorageClassInfo } from './objects.js';
import { sourcedDemand, type SourceLookup } from './content-source.js';
import type { VolumeDemand } from './types.js';

/** `volumeSnapshot` and `pvOfClaim` find a restored or cloned claim's source (content-source.ts). */
export interface DemandLookup extends SourceLookup {
  claim(key: string): ClaimInfo | undefined;
  storageClass(name: string): StorageClassInfo | undefined;
}

/**
 * `none`: nothing for us (the pod passes through). `invalid`: a mistake no node can fix (wrong StorageClass
 * parameter); `unresolved`: something the cache has not seen yet. Both fail every node with `reason`.
 */
export type PodDemand =
  | { kind: 'none' }
  | { kind: 'invalid' | 'unresolved'; reason: string }
  | { kind: 'demands'; demands: VolumeDemand[] };

/** Cheap first look: a pod without claims, generic ephemeral or CSI volumes is never ours. */
export function hasCandidateVolumes(pod: PodShape): boolean {
  return (pod.spec?.volumes ?? []).some((v) => v.persistentVolumeClaim || v.csi || v.ephemeral);
}

type One = VolumeDemand | { reason: string; isInvalid: boolean } | undefined;

// "<prefix><field> "<value>": <reason>", or "<prefix><field> <reason>" when the key is absent.
function describeIssue(prefix: string, issues: readonly ParameterIssue[]): string {
  const [issue = { field: '', value: undefined, reason: 'invalid' }] = issues;
  return issue.value === undefined ? `${prefix}${issue.field} ${issue.reason}` : `${prefix}${issue.field} ${JSON.stringify(issue.value)}: ${issue.reason}`;
}

// The same decoder as the CSI plugin's CreateVolume: a class the provisioner would refuse is refused here.
// A bad volumeType is reported before a bad size, and a bad size before the other parameters, as before.
function classDemand(key: string, sc: StorageClassInfo, size: ClaimInfo['size']): One {
  const parsed = parseStorageClassParameters(sc.parameters);
  const classProblem = parsed.ok ? undefined : { reason: `storageclass ${sc.name}: ${describeIssue('parameter ', parsed.issues)}`, isInvalid: true };
  if (!parsed.ok && parsed.issues[0]?.field === STORAGE_CLASS_PARAMS.volumeType) return classProblem;
  if ('invalid' in size) {
    return { reason: `pvc ${key}: resources.requests.storage ${size.invalid} is not a valid size`, isInvalid: true };
  }
  if (!parsed.ok) return classProblem;
  const spec = parsed.value;
  if (spec.volumeType === 'LVM') {
    const vg = spec.vgName === undefined ? {} : { vgName: spec.vgName };
    // A thin class (issue #17) places into its pool's over-provisioned room, not the VG's free space.
    const thin = spec.thinPool === undefined ? {} : { thinPool: spec.thinPool, ...(spec.overProvisioningRatio === undefined ? {} : { ratio: spec.overProvisioningRatio }) };
    return { kind: 'LVM', key, sizeBytes: size.bytes, ...vg, ...thin };
  }
  return { kind: spec.volumeType, key, sizeBytes: size.bytes, mediaType: spec.mediaType };
}

function claimDemand(key: string, lookup: DemandLookup): One {
  const claim = lookup.claim(key);
  if (claim === undefined) return { reason: `persistentvolumeclaim ${key} is not known yet`, isInvalid: false };
  if (claim.volumeName !== undefined) return undefined;
  const sc = claim.storageClassName === undefined ? undefined : lookup.storageClass(claim.storageClassName);
  const demand = sc === undefined ? undefined : classDemand(key, sc, claim.size);
  // A restore or clone goes where its source is (content-source.ts); a Device/MountPoint class cannot restore.
  if (claim.dataSource === undefined || demand === undefined || 'reason' in demand) return demand;
  if (demand.kind !== 'LVM') return { reason: `pvc ${key}: only LVM volumes are restored or cloned, not ${demand.kind} (storageclass ${claim.storageClassName ?? ''})`, isInvalid: true };
  return sourcedDemand(demand, claim, lookup);
}

function ephemeralDemand(pod: PodShape, volume: PodVolumeShape, lookup: DemandLookup): One {
  const key = claimKey(pod.metadata?.namespace, `${pod.metadata?.name ?? ''}-${volume.name ?? ''}`);
  if (lookup.claim(key) !== undefined) return claimDemand(key, lookup);
  // The ephemeral-volume controller has not created the claim yet: the template says what it will ask for.
  const spec = volume.ephemeral?.volumeClaimTemplate?.spec;
  const sc = spec?.storageClassName === undefined ? undefined : lookup.storageClass(spec.storageClassName);
  return sc === undefined ? undefined : classDemand(key, sc, requestedSize(spec?.resources));
}

function inlineDemand(pod: PodShape, volume: PodVolumeShape): One {
  const key = `inline:${pod.metadata?.uid ?? ''}/${volume.name ?? ''}`;
  // The same decoder as the CSI plugin's NodePublishVolume, so a size it would refuse is never charged here.
  const parsed = parseInlineVolumeAttributes(volume.csi?.volumeAttributes ?? {});
  if (!parsed.ok) return { reason: `pod volume ${volume.name ?? ''}: ${describeIssue('csi.volumeAttributes.', parsed.issues)}`, isInvalid: true };
  return { kind: 'LVM', key, sizeBytes: parsed.value.sizeBytes, vgName: parsed.value.vgName };
}

interface DemandContext {
  pod: PodShape;
  lookup: DemandLookup;
  driverNames: readonly string[];
}

function volumeDemand({ pod, lookup, driverNames }: DemandContext, volume: PodVolumeShape): One {
  if (volume.persistentVolumeClaim) {
    return claimDemand(claimKey(pod.metadata?.namespace, volume.persistentVolumeClaim.claimName), lookup);
  }
  if (volume.ephemeral) return ephemeralDemand(pod, volume, lookup);
  if (volume.csi && driverNames.includes(volume.csi.driver ?? '')) return inlineDemand(pod, volume);
  return undefined;
}

/** The inline volumes of our driver in `pod` that decode cleanly (what a bound pod occupies). */
export function inlineDemands(pod: PodShape, driverNames: readonly string[]): VolumeDemand[] {
  const demands: VolumeDemand[] = [];
  for (const volume of pod.spec?.volumes ?? []) {
    if (!volume.csi || !driverNames.includes(volume.csi.driver ?? '')) continue;
    const one = inlineDemand(pod, volume);
    if (one !== undefined && !('reason' in one)) demands.push(one);
  }
  return demands;
}

/** The claim keys `pod` refers to, generic ephemeral volumes included. */
export function podClaimKeys(pod: PodShape): string[] {
  const keys: string[] = [];
  for (const volume of pod.spec?.volumes ?? []) {
    if (volume.persistentVolumeClaim) keys.push(claimKey(pod.metadata?.namespace, volume.persistentVolumeClaim.claimName));
    else if (volume.ephemeral) keys.push(claimKey(pod.metadata?.namespace, `${pod.metadata?.name ?? ''}-${volume.name ?? ''}`));
  }
  return keys;
}

/** The volumes of `pod` that decode cleanly, skipping problems (for plans the scheduler already decided). */
export function resolvableDemands(pod: PodShape, lookup: DemandLookup, driverNames: readonly string[]): VolumeDemand[] {
  return (pod.spec?.volumes ?? []).flatMap((volume) => {
    const one = volumeDemand({ pod, lookup, driverNames }, volume);
    return one === undefined || 'reason' in one ? [] : [one];
  });
}

/** Decodes every volume of `pod`; the first problem wins, as the filter reports one reason per node. */
export function podDemand(pod: PodShape, lookup: DemandLookup, driverNames: readonly string[]): PodDemand {
  const demands: VolumeDemand[] = [];
  for (const volume of pod.spec?.volumes ?? []) {
    const one = volumeDemand({ pod, lookup, driverNames }, volume);
    if (one === undefined) continue;
    if ('reason' in one) return { kind: one.isInvalid ? 'invalid' : 'unresolved', reason: one.reason };
    demands.push(one);
  }
  return demands.length === 0 ? { kind: 'none' } : { kind: 'demands', demands };
}
