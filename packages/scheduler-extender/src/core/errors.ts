// The extender's one error base. Codes are mapped to HTTP statuses once, at the HTTP boundary.

export type ExtenderErrorCode =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'RESOURCE_EXHAUSTED'
  | 'NOT_READY'
  | 'INTERNAL'
  | 'PAYLOAD_TOO_LARGE'
  | 'TOO_MANY_REQUESTS';

export const EXTENDER_ERROR_CODES: readonly ExtenderErrorCode[] = [
  'INVALID_ARGUMENT',
  'NOT_FOUND',
  'RESOURCE_EXHAUSTED',
  'NOT_READY',
  'INTERNAL',
  'PAYLOAD_TOO_LARGE',
  'TOO_MANY_REQUESTS',
];

export class ExtenderError extends Error {
  readonly code: ExtenderErrorCode;

  constructor(code: ExtenderErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ExtenderError';
    this.code = code;
  }
}
