// The plugin's one error type. Every failure a handler reports is a CsiError with a code; the gRPC boundary
// maps the code to a status through one exhaustive table (adapters/service-error.ts).

/** Why a CSI call failed, in the plugin's own terms. */
export type CsiErrorCode =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'NO_SPACE'
  | 'FAILED_PRECONDITION'
  | 'IN_FLIGHT'
  | 'INVALID_TOKEN'
  | 'OUT_OF_RANGE'
  | 'UNSUPPORTED'
  | 'UNAVAILABLE'
  | 'CANCELLED'
  | 'INTERNAL';

/** Every code, for exhaustive tables and their tests. */
export const CSI_ERROR_CODES: readonly CsiErrorCode[] = [
  'INVALID_ARGUMENT',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'NO_SPACE',
  'FAILED_PRECONDITION',
  'IN_FLIGHT',
  'INVALID_TOKEN',
  'OUT_OF_RANGE',
  'UNSUPPORTED',
  'UNAVAILABLE',
  'CANCELLED',
  'INTERNAL',
];

export class CsiError extends Error {
  readonly code: CsiErrorCode;

  constructor(code: CsiErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CsiError';
    this.code = code;
  }
}

/** A request field with a bad value; the message names the field and quotes the value. */
export class InvalidFieldError extends CsiError {
  constructor(
    readonly field: string,
    readonly value: unknown,
    reason: string,
  ) {
    super('INVALID_ARGUMENT', `invalid ${field} ${quote(value)}: ${reason}`);
    this.name = 'InvalidFieldError';
  }
}

/** Quotes a value for an error message, cut short so a hostile request cannot flood the log. */
export function quote(value: unknown): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/** A required field that is empty. */
export function missingField(field: string): CsiError {
  return new CsiError('INVALID_ARGUMENT', `${field} is required`);
}
