// The bodies of the filter and prioritize routes: ExtenderArgs in — by the quick read of kube-scheduler's usual
// shape (core/raw-args.ts) or else by JSON.parse and the zod schema — and pass-through answers out, which echo
// the scheduler's node-name bytes instead of decoding and re-encoding them (issue #7).
import { ExtenderError } from '../core/errors.js';
import type { PodShape } from '../core/k8s-shapes.js';
import { readRawExtenderArgs } from '../core/raw-args.js';
import { extenderArgsSchema, podSchema, zodErrorToMessage, type ExtenderArgs } from '../core/wire.js';

export interface ExtenderBody {
  pod: PodShape;
  /** The NodeNames JSON array as sent, when the quick read found it; pass-through answers echo it. */
  rawNodeNames: Buffer | undefined;
  /** The whole ExtenderArgs, node names decoded (only when the answer depends on them). */
  args(): ExtenderArgs;
}

const NOT_AN_OBJECT = 'request body must be a JSON object of ExtenderArgs {Pod, NodeNames | Nodes}';

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (error) {
    throw new ExtenderError('INVALID_ARGUMENT', `malformed request body: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function decodeGeneral(body: Buffer): ExtenderBody {
  const json = parseJson(body);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ExtenderError('INVALID_ARGUMENT', NOT_AN_OBJECT);
  const result = extenderArgsSchema.safeParse(json);
  if (!result.success) throw new ExtenderError('INVALID_ARGUMENT', zodErrorToMessage(result.error));
  const args = result.data;
  return { pod: args.Pod as PodShape, rawNodeNames: undefined, args: () => args };
}

/** The quick read of kube-scheduler's usual shape with a valid Pod; undefined for anything else. Never throws. */
export function decodeQuickly(body: Buffer): ExtenderBody | undefined {
  const raw = readRawExtenderArgs(body);
  const pod = raw === undefined ? undefined : podSchema.safeParse(raw.pod);
  if (raw === undefined || pod === undefined || !pod.success) return undefined;
  const rawNodeNames = body.subarray(raw.nodeNamesStart, raw.nodeNamesEnd);
  return {
    pod: pod.data as PodShape,
    rawNodeNames,
    // The quick read has checked every name is a non-empty string, as the schema would.
    args: () => ({ Pod: pod.data, Nodes: null, NodeNames: JSON.parse(rawNodeNames.toString('latin1')) as string[] }),
  };
}

/**
 * ExtenderArgs from a raw request body (a Buffer; no body at all is undefined). Bad input is an INVALID_ARGUMENT
 * naming the problem, always from the general path, so both paths refuse alike.
 */
export function decodeExtenderBody(body: unknown): ExtenderBody {
  if (!Buffer.isBuffer(body) || body.length === 0) throw new ExtenderError('INVALID_ARGUMENT', NOT_AN_OBJECT);
  return decodeQuickly(body) ?? decodeGeneral(body);
}

// ExtenderFilterResult in Go's field order, as extender.ts's respond() writes it for nodeCacheCapable requests.
const PASS_HEAD = Buffer.from('{"Nodes":null,"NodeNames":');
const PASS_TAIL = Buffer.from(',"FailedNodes":{},"FailedAndUnresolvableNodes":{},"Error":""}');

/**
 * The ExtenderFilterResult passing every node of `rawNodeNames`, as chunks to write in order: no copy of the
 * names, as each 60 KB buffer allocated per request brings V8's next GC closer (external memory pressure).
 */
export function passThroughFilterAnswer(rawNodeNames: Buffer): readonly Buffer[] {
  return [PASS_HEAD, rawNodeNames, PASS_TAIL];
}

/** HostPriorityList when every score would be 0 (kube-scheduler scores missing hosts 0). */
export const EMPTY_PRIORITIES: readonly Buffer[] = [Buffer.from('[]')];
