// The bodies of the filter and prioritize routes: ExtenderArgs in — by the quick read of kube-scheduler's usual
// shape (core/raw-args.ts) or else by JSON.parse and the zod schema — and pass-through answers out, which echo
// the scheduler's node-name bytes instead of decoding and re-encoding them (issue #7).
import { ExtenderError } from '../core/errors.js';
import type { PodShape } from '../core/k8s-shapes.js';
import { readRawExtenderArgs } from '../core/raw-args.js';
import { extenderArgsSchema, podSchema, zodErrorToMessage, type ExtenderArgs, type HostPriority } from '../core/wire.js';

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

/**
 * The last NodeNames list decoded. kube-scheduler sends the same list for pod after pod (every node, or the same
 * feasible set), and decoding 5000 names costs ~0.4 ms and 5000 fresh strings for the GC on every request
 * (issue #19). One entry, compared byte for byte, so any other list is decoded as before; the array is frozen
 * because every request shares it.
 */
export class NodeNamesMemo {
  private raw: Buffer | undefined;
  private names: readonly string[] = [];

  decode(raw: Buffer): string[] {
    if (this.raw === undefined || !this.raw.equals(raw)) {
      this.names = Object.freeze(JSON.parse(raw.toString('latin1')) as string[]);
      // A copy: the memo must not keep the whole request body alive.
      this.raw = Buffer.from(raw);
    }
    return this.names as string[];
  }
}

/** The quick read of kube-scheduler's usual shape with a valid Pod; undefined for anything else. Never throws. */
export function decodeQuickly(body: Buffer, memo: NodeNamesMemo = new NodeNamesMemo()): ExtenderBody | undefined {
  const raw = readRawExtenderArgs(body);
  const pod = raw === undefined ? undefined : podSchema.safeParse(raw.pod);
  if (raw === undefined || pod === undefined || !pod.success) return undefined;
  const rawNodeNames = body.subarray(raw.nodeNamesStart, raw.nodeNamesEnd);
  return {
    pod: pod.data as PodShape,
    rawNodeNames,
    // The quick read has checked every name is a non-empty string, as the schema would.
    args: () => ({ Pod: pod.data, Nodes: null, NodeNames: memo.decode(rawNodeNames) }),
  };
}

/**
 * ExtenderArgs from a raw request body (a Buffer; no body at all is undefined). Bad input is an INVALID_ARGUMENT
 * naming the problem, always from the general path, so both paths refuse alike.
 */
export function decodeExtenderBody(body: unknown, memo?: NodeNamesMemo): ExtenderBody {
  if (!Buffer.isBuffer(body) || body.length === 0) throw new ExtenderError('INVALID_ARGUMENT', NOT_AN_OBJECT);
  return decodeQuickly(body, memo) ?? decodeGeneral(body);
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

const LIST_OPEN = Buffer.from('[');
const LIST_CLOSE = Buffer.from(']');
/** `<score>}` for the scores an extender gives (0–10, k8s MaxExtenderPriority). */
const SCORE_TAILS = Array.from({ length: 11 }, (_, score) => Buffer.from(`${score}}`));

/**
 * HostPriorityList bytes for prioritize answers that list every candidate. res.json spent ~2 ms on 5000 hosts
 * (JSON.stringify, then flattening the string into a Buffer); here each host's `,{"Host":…,"Score":` is encoded
 * once and kept, so an answer is one Buffer.concat (~0.4 ms; issue #19). The kept heads are dropped when there
 * are more than `maxHosts` of them, so made-up node names cannot grow it without bound.
 */
export class HostPriorityEncoder {
  private readonly heads = new Map<string, Buffer>();

  constructor(private readonly maxHosts = 50_000) {}

  encode(priorities: readonly HostPriority[]): Buffer {
    if (this.heads.size > this.maxHosts) this.heads.clear();
    const parts: Buffer[] = [LIST_OPEN];
    for (let i = 0; i < priorities.length; i++) {
      const { Host, Score } = priorities[i] as HostPriority;
      const head = this.headOf(Host);
      parts.push(i === 0 ? head.subarray(1) : head, SCORE_TAILS[Score] ?? Buffer.from(`${JSON.stringify(Score)}}`));
    }
    parts.push(LIST_CLOSE);
    return Buffer.concat(parts);
  }

  private headOf(host: string): Buffer {
    let head = this.heads.get(host);
    if (head === undefined) {
      head = Buffer.from(`,{"Host":${JSON.stringify(host)},"Score":`);
      this.heads.set(host, head);
    }
    return head;
  }
}
