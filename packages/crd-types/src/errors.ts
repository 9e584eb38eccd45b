// Typed errors of @openlocal/crd-types: one base class with a code, subclasses carrying the offending values.

/** Every error code this package produces. */
export type CrdTypesErrorCode =
  | 'INVALID_OBJECT'
  | 'INVALID_PATTERN'
  | 'INVALID_SELECTOR'
  | 'INVALID_QUANTITY'
  | 'INVALID_RESERVATION';

/** Base class of every error thrown or returned by @openlocal/crd-types; switch on `code`. */
export class CrdTypesError extends Error {
  /** Machine-readable error kind. */
  readonly code: CrdTypesErrorCode;

  constructor(code: CrdTypesErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** One schema violation: where it is, what is wrong, and the value found there. */
export interface ValidationIssue {
  /** Field path in dot/bracket form, e.g. `spec.listConfig.vgs.include[3]`; `(root)` for the object itself. */
  path: string;
  /** What is wrong, e.g. `must match pattern "^(/[^/ ]*)+/?$"`. */
  message: string;
  /** The offending value (undefined for a missing required field). */
  value: unknown;
}

/** An object does not match its CRD schema. */
export class CrdValidationError extends CrdTypesError {
  /** Kind that was validated, e.g. `NodeLocalStorage`. */
  readonly kind: string;
  /** All violations found (at least one). */
  readonly issues: readonly ValidationIssue[];

  constructor(kind: string, issues: readonly ValidationIssue[]) {
    const summary = issues.map((i) => `${i.path}: ${i.message} (got ${describeValue(i.value)})`).join('; ');
    super('INVALID_OBJECT', `invalid ${kind}: ${summary}`);
    this.kind = kind;
    this.issues = issues;
  }
}

/** A listConfig regular expression does not compile. */
export class InvalidPatternError extends CrdTypesError {
  /** The pattern as written by the user. */
  readonly pattern: string;
  /** Where it came from, e.g. `listConfig.vgs.include[1]`. */
  readonly field: string;

  constructor(details: { field: string; pattern: string; reason: string; cause?: unknown }) {
    const { field, pattern, reason, cause } = details;
    super('INVALID_PATTERN', `${field}: invalid regular expression ${JSON.stringify(pattern)}: ${reason}`, { cause });
    this.pattern = pattern;
    this.field = field;
  }
}

/** A label selector cannot be evaluated (unknown operator, or values that contradict the operator). */
export class InvalidSelectorError extends CrdTypesError {
  /** Where the selector part is, e.g. `nodesConfig[2].selector.matchExpressions[0].operator`. */
  readonly field: string;
  /** The offending value. */
  readonly value: unknown;

  constructor(field: string, value: unknown, reason: string) {
    super('INVALID_SELECTOR', `${field}: ${reason} (got ${describeValue(value)})`);
    this.field = field;
    this.value = value;
  }
}

/** A size is not a valid Kubernetes quantity of bytes (or is not a safe integer). */
export class InvalidQuantityError extends CrdTypesError {
  /** The text (or number) that was rejected. */
  readonly value: unknown;

  constructor(value: unknown, reason: string, options?: ErrorOptions) {
    super('INVALID_QUANTITY', `invalid quantity ${describeValue(value)}: ${reason}`, options);
    this.value = value;
  }
}

/** The `csi.aliyun.com/storage-reserved` annotation or one of its entries is malformed. */
export class InvalidReservationError extends CrdTypesError {
  /** VG whose entry is wrong; undefined when the annotation as a whole is not a JSON object. */
  readonly vgName: string | undefined;
  /** The offending value. */
  readonly value: unknown;

  constructor(details: { vgName: string | undefined; value: unknown; reason: string; cause?: unknown }) {
    const { vgName, value, reason, cause } = details;
    const where = vgName === undefined ? 'annotation' : `VG ${JSON.stringify(vgName)}`;
    super('INVALID_RESERVATION', `csi.aliyun.com/storage-reserved: ${where}: ${reason} (got ${describeValue(value)})`, { cause });
    this.vgName = vgName;
    this.value = value;
  }
}

/** Short, single-line rendering of a value for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch (error) {
    // Cyclic or BigInt values: fall back to String, which always works for messages.
    text = `${String(value)} (${error instanceof Error ? error.message : 'unserialisable'})`;
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
