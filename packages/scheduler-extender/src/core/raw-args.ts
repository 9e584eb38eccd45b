// A quick read of ExtenderArgs in the shape kube-scheduler sends with nodeCacheCapable,
// {"Pod":{…},"Nodes":null,"NodeNames":["n1",…]}: the Pod is parsed, the NodeNames array is checked in place and
// only located, so a pass-through answer can echo its bytes instead of decoding and re-encoding 5000 names
// (issue #7). Anything else — other keys, escapes, non-ASCII names, malformed JSON — returns undefined and the
// caller takes the general path, which gives the error messages; accepting never differs from JSON.parse.

/** What the quick read found: the parsed (not yet validated) Pod and where the NodeNames array is. */
export interface RawExtenderArgs {
  pod: unknown;
  /** Byte range of the NodeNames JSON array in the body, brackets included. */
  nodeNamesStart: number;
  nodeNamesEnd: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const NULL_BYTES = [0x6e, 0x75, 0x6c, 0x6c];
const KEYS = ['Pod', 'Nodes', 'NodeNames'] as const;
type Key = (typeof KEYS)[number];

const utf8 = new TextDecoder();

function skipWhitespace(body: Uint8Array, at: number): number {
  let i = at;
  for (let c = body[i]; c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = body[++i]);
  return i;
}

/** From the opening quote to just past the closing one; -1 if unterminated. Escapes are skipped, not judged. */
function skipString(body: Uint8Array, at: number): number {
  for (let i = at + 1; i < body.length; i += 1) {
    const c = body[i];
    if (c === BACKSLASH) i += 1;
    else if (c === QUOTE) return i + 1;
  }
  return -1;
}

function skipScalar(body: Uint8Array, at: number): number {
  let i = at;
  for (let c = body[i]; c !== undefined && c !== COMMA && c !== CLOSE_BRACE && c > 0x20; c = body[++i]);
  return i === at ? -1 : i;
}

/** Just past the object or array at `at`: brackets counted outside strings. */
function skipNested(body: Uint8Array, at: number): number {
  let depth = 0;
  // An unterminated string makes i negative, which ends the loop.
  for (let i = at; i >= 0 && i < body.length; i += 1) {
    const c = body[i];
    if (c === QUOTE) i = skipString(body, i) - 1;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth += 1;
    else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --depth === 0) return i + 1;
  }
  return -1;
}

/** Just past the JSON value starting at `at`, assuming it is well formed (JSON.parse judges it afterwards). */
function skipValue(body: Uint8Array, at: number): number {
  const first = body[at];
  if (first === QUOTE) return skipString(body, at);
  return first === OPEN_BRACE || first === OPEN_BRACKET ? skipNested(body, at) : skipScalar(body, at);
}

/** Just past one node name: a non-empty string of printable ASCII without escapes (DNS names never need them). */
function skipNodeName(body: Uint8Array, at: number): number {
  if (body[at] !== QUOTE) return -1;
  let i = at + 1;
  for (let c = body[i]; c !== QUOTE; c = body[++i]) {
    if (c === undefined || c < 0x20 || c > 0x7e || c === BACKSLASH) return -1;
  }
  return i === at + 1 ? -1 : i + 1;
}

/** Just past a JSON array of node names; -1 if it is anything else. This runs over every byte of 5000 names. */
function skipNodeNames(body: Uint8Array, at: number): number {
  if (body[at] !== OPEN_BRACKET) return -1;
  let i = skipWhitespace(body, at + 1);
  if (body[i] === CLOSE_BRACKET) return i + 1;
  for (;;) {
    i = skipNodeName(body, i);
    if (i < 0) return -1;
    // kube-scheduler writes no whitespace: look for it only when the separator is not right there.
    if (body[i] !== COMMA && body[i] !== CLOSE_BRACKET) i = skipWhitespace(body, i);
    if (body[i] === CLOSE_BRACKET) return i + 1;
    if (body[i] !== COMMA) return -1;
    i = body[i + 1] === QUOTE ? i + 1 : skipWhitespace(body, i + 1);
  }
}

function skipNull(body: Uint8Array, at: number): number {
  return NULL_BYTES.every((byte, k) => body[at + k] === byte) ? at + NULL_BYTES.length : -1;
}

/** The top-level key starting at `at` if it is one we read, spelled without escapes. */
function readKey(body: Uint8Array, at: number): { key: Key; end: number } | undefined {
  const end = skipString(body, at);
  // Longer than any key we read (and short enough to spread into fromCharCode), no escapes.
  if (end < 0 || end - at > 12 || body.subarray(at + 1, end - 1).includes(BACKSLASH)) return undefined;
  const text = String.fromCharCode(...body.subarray(at + 1, end - 1));
  const key = KEYS.find((k) => k === text);
  return key === undefined ? undefined : { key, end };
}

function skipMemberValue(body: Uint8Array, key: Key, at: number): number {
  switch (key) {
    case 'Pod':
      return skipValue(body, at);
    case 'Nodes':
      return skipNull(body, at);
    case 'NodeNames':
      return skipNodeNames(body, at);
  }
}

function parsePod(body: Uint8Array, start: number, end: number): { pod: unknown } | undefined {
  try {
    return { pod: JSON.parse(utf8.decode(body.subarray(start, end))) as unknown };
  } catch {
    // Malformed: the general path parses the whole body and reports where.
    return undefined;
  }
}

type Ranges = Partial<Record<Key, [number, number]>>;

/** Where each member's value is, for an object of only our keys, each once; undefined otherwise. */
function readMembers(body: Uint8Array): Ranges | undefined {
  const ranges: Ranges = {};
  let i = skipWhitespace(body, 0);
  if (body[i] !== OPEN_BRACE) return undefined;
  do {
    i = skipWhitespace(body, i + 1);
    const member = body[i] === QUOTE ? readKey(body, i) : undefined;
    if (member === undefined || ranges[member.key] !== undefined) return undefined;
    i = skipWhitespace(body, member.end);
    if (body[i] !== COLON) return undefined;
    const start = skipWhitespace(body, i + 1);
    const end = skipMemberValue(body, member.key, start);
    if (end < 0) return undefined;
    ranges[member.key] = [start, end];
    i = skipWhitespace(body, end);
  } while (body[i] === COMMA);
  return body[i] === CLOSE_BRACE && skipWhitespace(body, i + 1) === body.length ? ranges : undefined;
}

/** The quick read described at the top of this file; undefined means "take the general path". */
export function readRawExtenderArgs(body: Uint8Array): RawExtenderArgs | undefined {
  const ranges = readMembers(body);
  if (ranges?.Pod === undefined || ranges.NodeNames === undefined) return undefined;
  const parsed = parsePod(body, ...ranges.Pod);
  return parsed && { pod: parsed.pod, nodeNamesStart: ranges.NodeNames[0], nodeNamesEnd: ranges.NodeNames[1] };
}
