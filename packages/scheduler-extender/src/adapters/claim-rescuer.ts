// Releases claims stuck on a node that can no longer host them (core/rescue.ts decides which): it removes
// `volume.kubernetes.io/selected-node`, as external-provisioner does after a failed CreateVolume, so kube-scheduler
// places the pod again. A JSON patch that first tests the annotation's value, so a claim placed anew in the
// meantime is left alone. One sweep at a time; errors are logged per claim and retried at the next sweep.
import type { KubeConfig } from '@kubernetes/client-node';
import { ANNOTATIONS } from '@openlocal/crd-types';
import { patchObject } from '@openlocal/kube-runtime';
import type { Logger } from 'pino';
import { dueStuckClaims, findStuckClaims, type RescueSource, type StuckClaim } from '../core/rescue.js';
import type { Strategy } from '../core/types.js';

/** The one API call the rescue makes. */
export interface ClaimAnnotationWriter {
  removeSelectedNode(claim: StuckClaim): Promise<void>;
}

export interface ClaimRescuerOptions {
  source: RescueSource;
  strategy: Strategy;
  writer: ClaimAnnotationWriter;
  logger: Logger;
  graceMs: number;
  /** Called after each released claim (metrics). */
  onReleased?: (claim: StuckClaim) => void;
}

export class ClaimRescuer {
  private since = new Map<string, { node: string; sinceMs: number }>();
  private isSweeping = false;

  constructor(private readonly options: ClaimRescuerOptions) {}

  /** Finds stuck claims, and releases those stuck for the whole grace period. */
  async sweep(nowMs: number): Promise<StuckClaim[]> {
    if (this.isSweeping) return [];
    this.isSweeping = true;
    try {
      const { source, strategy, graceMs, writer, logger } = this.options;
      const result = dueStuckClaims(this.since, findStuckClaims(source, strategy), { nowMs, graceMs });
      this.since = result.since;
      const released: StuckClaim[] = [];
      for (const claim of result.due) {
        try {
          await writer.removeSelectedNode(claim);
          this.since.delete(claim.claimKey);
          released.push(claim);
          this.options.onReleased?.(claim);
          logger.warn({ claim: claim.claimKey, node: claim.node, reason: claim.reason }, `released claim ${claim.claimKey} from node ${claim.node} (removed ${ANNOTATIONS.selectedNode}) so kube-scheduler places its pod again: ${claim.reason}`);
        } catch (error) {
          logger.error({ claim: claim.claimKey, node: claim.node, err: error }, 'could not release a stuck claim; retrying at the next sweep');
        }
      }
      return released;
    } catch (error) {
      // A sweep that fails is logged and the next one tries again: the extender keeps serving.
      this.options.logger.error({ err: error }, 'pending-claim rescue sweep failed');
      return [];
    } finally {
      this.isSweeping = false;
    }
  }
}

/** How often to look for stuck claims: a quarter of the grace, between 0.5 and 10 s. */
export function rescueIntervalMs(graceMs: number): number {
  return Math.min(10_000, Math.max(500, Math.round(graceMs / 4)));
}

/**
 * The writer over the API: JSON patch `test` (the annotation still names that node) then `remove`. A plain-JSON
 * PATCH (kube-runtime's patchObject), not client-node's CoreV1Api: that class alone put ~3 MB of code in the
 * extender's bundle and ~10 MiB in its RSS (issue #19).
 */
export function apiClaimAnnotationWriter(kubeConfig: KubeConfig): ClaimAnnotationWriter {
  const path = `/metadata/annotations/${ANNOTATIONS.selectedNode.replaceAll('~', '~0').replaceAll('/', '~1')}`;
  return {
    async removeSelectedNode(claim) {
      const [namespace = '', name = ''] = claim.claimKey.split('/');
      const claimPath = `/api/v1/namespaces/${encodeURIComponent(namespace)}/persistentvolumeclaims/${encodeURIComponent(name)}`;
      await patchObject(kubeConfig, { path: claimPath, patch: [{ op: 'test', path, value: claim.node }, { op: 'remove', path }] });
    },
  };
}
