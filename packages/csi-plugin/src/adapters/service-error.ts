// The one mapping from failures to gRPC statuses. Our codes and @openlocal/lvm's codes each go through an
// exhaustive table (adding a code without a status fails to compile); anything else is INTERNAL with the
// original error kept as the cause.
import { status, type ServiceError } from '@grpc/grpc-js';
import { Metadata } from '@grpc/grpc-js';
import { ExecError, LvmError, type LvmErrorCode } from '@openlocal/lvm';
import { CsiError, type CsiErrorCode } from '../core/errors.js';

export const GRPC_STATUS_BY_CODE: Readonly<Record<CsiErrorCode, status>> = {
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  NOT_FOUND: status.NOT_FOUND,
  ALREADY_EXISTS: status.ALREADY_EXISTS,
  NO_SPACE: status.RESOURCE_EXHAUSTED,
  FAILED_PRECONDITION: status.FAILED_PRECONDITION,
  IN_FLIGHT: status.ABORTED,
  // ListSnapshots with a starting_token it never gave out: the spec's ABORTED.
  INVALID_TOKEN: status.ABORTED,
  OUT_OF_RANGE: status.OUT_OF_RANGE,
  UNSUPPORTED: status.UNIMPLEMENTED,
  UNAVAILABLE: status.UNAVAILABLE,
  CANCELLED: status.CANCELLED,
  INTERNAL: status.INTERNAL,
};

/** How each storage failure reads in CSI terms. */
export const CSI_CODE_BY_LVM_CODE: Readonly<Record<LvmErrorCode, CsiErrorCode>> = {
  VG_NOT_FOUND: 'NOT_FOUND',
  LV_NOT_FOUND: 'NOT_FOUND',
  PV_NOT_FOUND: 'NOT_FOUND',
  INSUFFICIENT_SPACE: 'NO_SPACE',
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  DEVICE_BUSY: 'FAILED_PRECONDITION',
  DEVICE_IN_OTHER_VG: 'FAILED_PRECONDITION',
  DEVICE_NOT_FOUND: 'NOT_FOUND',
  DEVICE_HAS_FILESYSTEM: 'FAILED_PRECONDITION',
  INVALID_NAME: 'INVALID_ARGUMENT',
  INVALID_SIZE: 'INVALID_ARGUMENT',
  NO_DEVICE_MAPPER: 'FAILED_PRECONDITION',
  COMMAND_FAILED: 'INTERNAL',
};

/** A grpc-js ServiceError that also carries the original error as `cause` for the log. */
export interface MappedError extends ServiceError {
  cause?: unknown;
}

/** Turns anything thrown by a handler into the status the client sees. */
export function toServiceError(error: unknown): MappedError {
  let code: status = status.INTERNAL;
  let details = 'internal error';
  if (error instanceof CsiError) {
    code = GRPC_STATUS_BY_CODE[error.code];
    details = error.message;
  } else if (error instanceof LvmError) {
    code = GRPC_STATUS_BY_CODE[CSI_CODE_BY_LVM_CODE[error.code]];
    details = error.message;
  } else if (error instanceof ExecError) {
    // A command that hangs (a dead disk, CommandTimeoutError) or could not be started at all (the device-mapper
    // probe in a bad moment) is not a bug of the request: UNAVAILABLE makes the sidecar retry later.
    code = status.UNAVAILABLE;
    details = error.message;
  } else if (error instanceof Error) {
    details = `internal error: ${error.message}`;
  }
  const mapped: MappedError = Object.assign(new Error(details), { code, details, metadata: new Metadata() });
  mapped.cause = error;
  return mapped;
}
