// VolumeSnapshotClass parameters → a typed snapshot spec, or every problem with the key named. The CSI plugin
// decodes them in CreateSnapshot and the agent in its snapshot auto-expansion, by this one rule set.
import { SNAPSHOT_CLASS_PARAMS, SNAPSHOT_DEFAULTS } from './constants.js';
import { InvalidQuantityError } from './errors.js';
import { parseQuantityBytes } from './quantity.js';
import type { ParameterIssue, ParameterResult } from './storage-class-parameters.js';

/** What a VolumeSnapshotClass asks for, decoded. */
export interface SnapshotClassSpec {
  /** A snapshot of a thick LV is always a read-only copy-on-write LV; `"false"` (Open-Local's restic/S3 kind) is refused. */
  isReadOnly: boolean;
  /** Copy-on-write space a thick snapshot starts with (capped at the source size by the plugin). */
  initialSizeBytes: number;
  /** Fraction of the snapshot's space (0 < t < 1) above which the agent grows it. */
  expansionThreshold: number;
  /** How much the agent adds each time. */
  expansionSizeBytes: number;
}

type Params = Readonly<Record<string, string | undefined>>;

/** Keys the external-snapshotter sidecar itself adds or reads (`--extra-create-metadata`, secrets). */
const SIDECAR_PREFIX = 'csi.storage.k8s.io/';
const OWN_KEYS = ['readonly', 'initialSize', 'expansionThreshold', 'expansionSize'] as const;
const KNOWN: readonly string[] = OWN_KEYS.map((key) => SNAPSHOT_CLASS_PARAMS[key]);

function positiveQuantity(field: string, value: string, issues: ParameterIssue[]): number {
  try {
    const bytes = parseQuantityBytes(value);
    if (bytes > 0) return bytes;
    issues.push({ field, value, reason: 'must be more than 0 bytes' });
  } catch (error) {
    if (!(error instanceof InvalidQuantityError)) throw error;
    issues.push({ field, value, reason: `not a quantity such as 4Gi or 512Mi (${error.message})` });
  }
  return 0;
}

/** Open-Local strips a `%` and divides by 100: "50%" and "50" are both one half. */
function threshold(value: string, issues: ParameterIssue[]): number {
  const field = SNAPSHOT_CLASS_PARAMS.expansionThreshold;
  const match = /^([0-9]+(?:\.[0-9]+)?)%?$/.exec(value);
  const percent = match ? Number(match[1]) : Number.NaN;
  if (Number.isFinite(percent) && percent > 0 && percent < 100) return percent / 100;
  issues.push({ field, value, reason: 'must be a percentage above 0 and below 100, such as 50%' });
  return 0;
}

function unknownKeys(params: Params): ParameterIssue[] {
  return Object.keys(params)
    .sort()
    .filter((key) => !KNOWN.includes(key) && !key.startsWith(SIDECAR_PREFIX))
    .map((key) => ({ field: key, value: params[key], reason: `unknown snapshot class parameter; known: ${KNOWN.join(', ')}` }));
}

/**
 * Decodes a VolumeSnapshotClass's `parameters`: `csi.aliyun.com/readonly` (true | false, default true),
 * `csi.aliyun.com/snapshot-initial-size` (default 4Gi), `csi.aliyun.com/snapshot-expansion-threshold` (default
 * 50%) and `csi.aliyun.com/snapshot-expansion-size` (default 1Gi). Keys under `csi.storage.k8s.io/` belong to
 * the sidecar and are ignored; any other key is refused, so a typo never silently changes what a snapshot is.
 * @returns the spec, or every issue (unknown keys first, in key order, then the known keys in the order above)
 */
export function parseSnapshotClassParameters(params: Params): ParameterResult<SnapshotClassSpec> {
  const issues = unknownKeys(params);
  const get = (key: (typeof OWN_KEYS)[number]): string | undefined => {
    const value = params[SNAPSHOT_CLASS_PARAMS[key]];
    return value === undefined || value === '' ? undefined : value;
  };
  const readonly = get('readonly');
  if (readonly !== undefined && readonly !== 'true' && readonly !== 'false') {
    issues.push({ field: SNAPSHOT_CLASS_PARAMS.readonly, value: readonly, reason: 'must be true or false' });
  }
  const initialSizeBytes = positiveQuantity(SNAPSHOT_CLASS_PARAMS.initialSize, get('initialSize') ?? SNAPSHOT_DEFAULTS.initialSize, issues);
  const expansionThreshold = threshold(get('expansionThreshold') ?? SNAPSHOT_DEFAULTS.expansionThreshold, issues);
  const expansionSizeBytes = positiveQuantity(SNAPSHOT_CLASS_PARAMS.expansionSize, get('expansionSize') ?? SNAPSHOT_DEFAULTS.expansionSize, issues);
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, value: { isReadOnly: readonly !== 'false', initialSizeBytes, expansionThreshold, expansionSizeBytes } };
}
