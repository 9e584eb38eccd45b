// The one mapping from errors to HTTP: typed extender errors by an exhaustive table, body-parser errors as
// 400, anything else 500 with its cause kept for the log.
import { ExtenderError, type ExtenderErrorCode } from '../core/errors.js';

export const HTTP_STATUS_BY_CODE: Record<ExtenderErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  NOT_FOUND: 404,
  RESOURCE_EXHAUSTED: 507,
  NOT_READY: 503,
  INTERNAL: 500,
  PAYLOAD_TOO_LARGE: 413,
  TOO_MANY_REQUESTS: 429,
};

function hasStatus(error: unknown): error is { status: number; message: string; type?: string } {
  return typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number' && 'message' in error;
}

/** Any thrown value as an ExtenderError: express body-parser failures are INVALID_ARGUMENT
 * (bad JSON) or PAYLOAD_TOO_LARGE. */
export function toServiceError(error: unknown): ExtenderError {
  if (error instanceof ExtenderError) return error;
  if (hasStatus(error) && error.status === 413) {
    return new ExtenderError('PAYLOAD_TOO_LARGE', `request body too large: ${error.message}`, { cause: error });
  }
  if (hasStatus(error) && error.status >= 400 && error.status < 500) {
    return new ExtenderError('INVALID_ARGUMENT', `malformed request body: ${error.message}`, { cause: error });
  }
  return new ExtenderError('INTERNAL', error instanceof Error ? error.message : String(error), { cause: error });
}
