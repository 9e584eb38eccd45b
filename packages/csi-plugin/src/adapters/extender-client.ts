// Asks the scheduler extender which VG / disk / mount point it reserved for a PVC on this node (Open-Local's
// POST /apis/scheduling/<ns>/persistentvolumeclaims/<pvc>?volumeType=..&nodeName=..). The reply is validated.
import { z } from 'zod';
import { CsiError } from '../core/errors.js';
import type { PlanSource, VolumePlan } from '../ports.js';

const bindingSchema = z
  .object({ vgName: z.string().optional(), device: z.string().optional(), disk: z.string().optional() })
  .passthrough()
  .nullable();

/** The extender's BindingInfo JSON (`null` when it has no plan) as a VolumePlan; malformed replies are errors. */
export function parsePlan(text: string): VolumePlan | null {
  let data: unknown;
  try {
    data = JSON.parse(text === '' ? 'null' : text);
  } catch (error) {
    throw new CsiError('INTERNAL', `scheduler extender sent something that is not JSON: ${text.slice(0, 100)}`, { cause: error });
  }
  const parsed = bindingSchema.safeParse(data);
  if (!parsed.success) throw new CsiError('INTERNAL', `scheduler extender sent a malformed plan: ${parsed.error.message}`);
  if (parsed.data === null) return null;
  const { vgName, device, disk } = parsed.data;
  return { ...(vgName ? { vgName } : {}), ...(device ? { device } : {}), ...(disk ? { mountPoint: disk } : {}) };
}

export function createExtenderClient(options: { baseUrl: string; timeoutMs: number }): PlanSource {
  return {
    async planVolume(request, callOptions = {}) {
      const url = new URL(
        `/apis/scheduling/${encodeURIComponent(request.namespace)}/persistentvolumeclaims/${encodeURIComponent(request.pvcName)}`,
        options.baseUrl,
      );
      url.searchParams.set('volumeType', request.volumeType);
      url.searchParams.set('nodeName', request.nodeName);
      const signals = [AbortSignal.timeout(options.timeoutMs), ...(callOptions.signal ? [callOptions.signal] : [])];
      const response = await fetch(url, { method: 'POST', signal: AbortSignal.any(signals) }).catch((error: unknown) => {
        throw new CsiError('UNAVAILABLE', `scheduler extender ${url.origin} unreachable`, { cause: error });
      });
      const text = await response.text();
      if (!response.ok) {
        const code = /insufficient/i.test(text) ? 'NO_SPACE' : 'UNAVAILABLE';
        throw new CsiError(code, `scheduler extender answered ${response.status}: ${text.slice(0, 300)}`);
      }
      return parsePlan(text);
    },
  };
}
