// A PersistentVolume of Open-Local's driver, decoded into where its data lives: node, volume type and the VG,
// disk or mount point. Open-Local v0.7.1 reads these the same way (reference §4.5, §5.3): the
// `csi.aliyun.com/pv-allocated` annotation first, then the CSI volume attributes. The one PV decoder: the CSI
// plugin's adoption and upgrade check and the scheduler extender's ledger all read PVs through it.
import { ANNOTATIONS, PROVISIONER_NAMES, STORAGE_CLASS_PARAMS, TOPOLOGY_KEY, VOLUME_CONTEXT_KEYS } from './constants.js';
import { quantityValueBytesOrUndefined } from './quantity.js';

/** The fields of a core/v1 PersistentVolume this decoder reads (structural, so any client's type fits). */
export interface PvLike {
  metadata?: { name?: string; annotations?: Record<string, string> };
  spec?: {
    capacity?: Record<string, unknown>;
    claimRef?: { namespace?: string; name?: string };
    csi?: { driver?: string; volumeHandle?: string; volumeAttributes?: Record<string, string> };
    nodeAffinity?: { required?: { nodeSelectorTerms?: { matchExpressions?: { key?: string; operator?: string; values?: string[] }[] }[] } };
  };
  status?: { phase?: string };
}

/** An Open-Local PV as the adoption rules need it. Missing facts stay undefined; the rules say why they matter. */
export interface OpenLocalPv {
  name: string;
  /** `spec.csi.volumeHandle`: the LV name for LVM volumes, the claim id for Device and MountPoint ones. */
  volumeHandle: string;
  /** `volumeType` attribute as written (`LVM`, `Device`, `MountPoint`, or anything else a user put there). */
  volumeType: string;
  /** The node of `kubernetes.io/hostname In [node]` in the required node affinity. */
  node: string | undefined;
  vgName: string | undefined;
  /** Device volumes: the whole disk, e.g. `/dev/vdc`. */
  device: string | undefined;
  /** MountPoint volumes: the mount point, e.g. `/mnt/open-local/disk-1`. */
  mountPoint: string | undefined;
  /** Thin LVM volumes: the pool the class named (copied into the attributes), whose room the volume takes. */
  thinPool: string | undefined;
  /**
   * `spec.capacity.storage` in bytes as Kubernetes' `Quantity.Value()` reads it (a fraction of a byte rounds up);
   * undefined when missing or unreadable (the raw value is in `capacityText`).
   */
  capacityBytes: number | undefined;
  capacityText: string | undefined;
  /** `namespace/name` of the bound claim. */
  claim: string | undefined;
  phase: string | undefined;
  /** A claim restored from an Open-Local read-only snapshot: it has no LV of its own (reference §5.8). */
  isReadOnlySnapshot: boolean;
}

function nodeOf(pv: PvLike): string | undefined {
  for (const term of pv.spec?.nodeAffinity?.required?.nodeSelectorTerms ?? []) {
    for (const expression of term.matchExpressions ?? []) {
      if (expression.key === TOPOLOGY_KEY && expression.operator === 'In' && expression.values?.length === 1) return expression.values[0];
    }
  }
  return undefined;
}

/** The pv-allocated annotation's fields; a malformed annotation counts as absent (the attributes still say it). */
function allocatedOf(pv: PvLike): { vgName?: string; deviceName?: string } {
  const raw = pv.metadata?.annotations?.[ANNOTATIONS.pvAllocated];
  if (raw === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const record = parsed as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const vgName = text(record['vgName']);
  const deviceName = text(record['deviceName']);
  return { ...(vgName === undefined ? {} : { vgName }), ...(deviceName === undefined ? {} : { deviceName }) };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function capacityOf(pv: PvLike): { bytes: number | undefined; text: string | undefined } {
  const raw = pv.spec?.capacity?.['storage'];
  if (typeof raw !== 'string' && typeof raw !== 'number') return { bytes: undefined, text: undefined };
  // What the API server stored, so read with Value()'s rule (the extender charged it so before the decoders merged).
  return { bytes: quantityValueBytesOrUndefined(raw), text: String(raw) };
}

/** Decodes a PV of Open-Local's drivers; PVs of any other driver (or not CSI at all) give undefined. */
export function decodeOpenLocalPv(pv: PvLike): OpenLocalPv | undefined {
  const csi = pv.spec?.csi;
  if (csi === undefined || !PROVISIONER_NAMES.includes(csi.driver ?? '')) return undefined;
  const attributes = csi.volumeAttributes ?? {};
  const allocated = allocatedOf(pv);
  const capacity = capacityOf(pv);
  const ref = pv.spec?.claimRef;
  return {
    name: pv.metadata?.name ?? '',
    volumeHandle: csi.volumeHandle ?? '',
    volumeType: attributes[VOLUME_CONTEXT_KEYS.volumeType] ?? '',
    node: nodeOf(pv),
    vgName: allocated.vgName ?? nonEmpty(attributes[VOLUME_CONTEXT_KEYS.vgName]),
    device: allocated.deviceName ?? nonEmpty(attributes[VOLUME_CONTEXT_KEYS.device]),
    mountPoint: nonEmpty(attributes[VOLUME_CONTEXT_KEYS.mountPoint]),
    thinPool: nonEmpty(attributes[STORAGE_CLASS_PARAMS.thinPool]),
    capacityBytes: capacity.bytes,
    capacityText: capacity.text,
    claim: ref?.name === undefined ? undefined : `${ref.namespace ?? ''}/${ref.name}`,
    phase: pv.status?.phase,
    isReadOnlySnapshot: attributes[VOLUME_CONTEXT_KEYS.readonly] === 'true' && nonEmpty(attributes[VOLUME_CONTEXT_KEYS.snapshotId]) !== undefined,
  };
}
