// The kube-scheduler extender wire format (k8s.io/kube-scheduler/extender/v1: capitalised keys, no json tags)
// and its validation. Only the fields the extender reads are checked; everything else passes through untouched.
import { z } from 'zod';

const stringMap = z.record(z.string(), z.string());

const volumeSchema = z.looseObject({
  name: z.string().min(1),
  persistentVolumeClaim: z.looseObject({ claimName: z.string().min(1) }).nullish(),
  csi: z.looseObject({ driver: z.string(), volumeAttributes: stringMap.nullish() }).nullish(),
  ephemeral: z
    .looseObject({
      volumeClaimTemplate: z
        .looseObject({
          spec: z.looseObject({
            storageClassName: z.string().nullish(),
            resources: z.looseObject({ requests: z.record(z.string(), z.unknown()).nullish() }).nullish(),
          }),
        })
        .nullish(),
    })
    .nullish(),
});

export const podSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string().min(1), namespace: z.string().nullish(), uid: z.string().nullish() }),
  spec: z.looseObject({ volumes: z.array(volumeSchema).nullish(), nodeName: z.string().nullish() }).nullish(),
});

interface NodeItem {
  metadata: { name: string };
  [key: string]: unknown;
}

// Node lists are checked with plain loops: a per-element schema costs ~1 ms per 5000 nodes on the hot path.
const nodeNamesSchema = z.custom<string[]>((value) => Array.isArray(value) && value.every((n) => typeof n === 'string' && n !== ''), {
  message: 'must be an array of non-empty node names',
});
const nodeItemsSchema = z.custom<NodeItem[]>(
  (value) => Array.isArray(value) && value.every((n: { metadata?: { name?: unknown } } | null) => typeof n?.metadata?.name === 'string' && n.metadata.name !== ''),
  { message: 'must be an array of Nodes, each with metadata.name' },
);

export const extenderArgsSchema = z
  .looseObject({
    Pod: podSchema,
    Nodes: z.looseObject({ items: nodeItemsSchema.nullish() }).nullish(),
    NodeNames: nodeNamesSchema.nullish(),
  })
  .refine((args) => args.NodeNames != null || args.Nodes != null, {
    message: 'one of NodeNames (nodeCacheCapable: true) or Nodes is required',
    path: ['NodeNames'],
  });

export type ExtenderArgs = z.output<typeof extenderArgsSchema>;

export interface ExtenderFilterResult {
  Nodes: { items: unknown[]; [key: string]: unknown } | null;
  NodeNames: string[] | null;
  FailedNodes: Record<string, string>;
  FailedAndUnresolvableNodes: Record<string, string>;
  Error: string;
}

export interface HostPriority {
  Host: string;
  Score: number;
}

/** The allocation `CreateVolume` asks for (Open-Local's BindingInfo, same keys). */
export interface BindingInfo {
  node: string;
  /** The mount point path for MountPoint volumes. */
  disk: string;
  vgName: string;
  device: string;
  volumeType: string;
  persistentVolumeClaim: string;
  requestedBytes: number;
}

/** "Pod.spec.volumes.0.name: Invalid input: expected string, received number; ..." */
export function zodErrorToMessage(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
}

/** The candidate node names, from `NodeNames` or from the full `Nodes` list. */
export function candidateNames(args: ExtenderArgs): string[] {
  return args.NodeNames ?? (args.Nodes?.items ?? []).map((node) => node.metadata.name);
}
