// The one place where lvm's exit codes and stderr are read: every failure becomes an LvmError with a code.
// Patterns were taken from the real lvm 2.03.16 output stored in test/fixtures (errors.test.ts replays them).

/** Why a storage operation failed. Apps map these to gRPC / HTTP codes with exhaustive tables. */
export type LvmErrorCode =
  | 'VG_NOT_FOUND'
  | 'LV_NOT_FOUND'
  | 'PV_NOT_FOUND'
  | 'INSUFFICIENT_SPACE'
  | 'ALREADY_EXISTS'
  | 'DEVICE_BUSY'
  | 'DEVICE_IN_OTHER_VG'
  | 'DEVICE_NOT_FOUND'
  | 'DEVICE_HAS_FILESYSTEM'
  | 'INVALID_NAME'
  | 'INVALID_SIZE'
  | 'NO_DEVICE_MAPPER'
  | 'COMMAND_FAILED';

/** Every error code, for exhaustive mapping tables and tests. */
export const LVM_ERROR_CODES: readonly LvmErrorCode[] = [
  'VG_NOT_FOUND',
  'LV_NOT_FOUND',
  'PV_NOT_FOUND',
  'INSUFFICIENT_SPACE',
  'ALREADY_EXISTS',
  'DEVICE_BUSY',
  'DEVICE_IN_OTHER_VG',
  'DEVICE_NOT_FOUND',
  'DEVICE_HAS_FILESYSTEM',
  'INVALID_NAME',
  'INVALID_SIZE',
  'NO_DEVICE_MAPPER',
  'COMMAND_FAILED',
];

/** Base of every error @openlocal/lvm throws. `argv`/`stderr`/`exitCode` are set when a command failed. */
export class LvmError extends Error {
  readonly code: LvmErrorCode;
  readonly argv?: readonly string[];
  readonly stderr?: string;
  readonly exitCode?: number;

  constructor(
    code: LvmErrorCode,
    message: string,
    details: { argv?: readonly string[]; stderr?: string; exitCode?: number; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'LvmError';
    this.code = code;
    if (details.argv !== undefined) this.argv = details.argv;
    if (details.stderr !== undefined) this.stderr = details.stderr;
    if (details.exitCode !== undefined) this.exitCode = details.exitCode;
  }
}

/** A name or value was refused before any command ran; `field` and `value` say which. */
export class InvalidArgumentError extends LvmError {
  readonly field: string;
  readonly value: unknown;

  constructor(code: 'INVALID_NAME' | 'INVALID_SIZE', invalid: { field: string; value: unknown; reason: string }) {
    super(code, `invalid ${invalid.field} ${JSON.stringify(invalid.value)}: ${invalid.reason}`);
    this.name = 'InvalidArgumentError';
    this.field = invalid.field;
    this.value = invalid.value;
  }
}

/** The VG has less free space than asked for. */
export class InsufficientSpaceError extends LvmError {
  readonly vgName: string;
  readonly requestedBytes: number;

  constructor(shortfall: { vgName: string; requestedBytes: number }, details: { argv?: readonly string[]; stderr?: string; exitCode?: number } = {}) {
    super('INSUFFICIENT_SPACE', `volume group ${shortfall.vgName} has insufficient free space for ${shortfall.requestedBytes} bytes`, details);
    this.name = 'InsufficientSpaceError';
    this.vgName = shortfall.vgName;
    this.requestedBytes = shortfall.requestedBytes;
  }
}

interface FailurePattern {
  code: LvmErrorCode;
  pattern: RegExp;
}

// Order matters: the first match wins. Device-mapper absence is checked before generic failures because lvm
// prints it as a warning on every command, so it only counts when nothing more specific matched.
const FAILURE_PATTERNS: readonly FailurePattern[] = [
  { code: 'INSUFFICIENT_SPACE', pattern: /insufficient free space|Insufficient suitable allocatable extents|insufficient free extents/i },
  { code: 'ALREADY_EXISTS', pattern: /already exists in volume group|A volume group called \S+ already exists|already exists in filesystem/i },
  { code: 'DEVICE_IN_OTHER_VG', pattern: /is already in volume group|of volume group "[^"]+" without -ff|Physical volume '[^']+' is already in/i },
  { code: 'DEVICE_HAS_FILESYSTEM', pattern: /signature detected on .* Wipe it|existing signature left on the device|Aborted wiping of/i },
  { code: 'VG_NOT_FOUND', pattern: /Volume group "[^"]+" not found|Cannot process volume group/i },
  { code: 'LV_NOT_FOUND', pattern: /Failed to find logical volume|logical volume\(s\) not found|Snapshot origin LV \S+ not found|Logical volume \S+ not found in volume group|Pool LV \S+ not found|Thin pool \S+ not found/i },
  { code: 'PV_NOT_FOUND', pattern: /Failed to find physical volume|No PV found on device/i },
  { code: 'DEVICE_NOT_FOUND', pattern: /No device found for|Cannot use \S+: device not found|Device \S+ not found/i },
  { code: 'DEVICE_BUSY', pattern: /in use|Can't remove open logical volume|device or resource busy|is busy/i },
  { code: 'INVALID_NAME', pattern: /name "[^"]*" is invalid|Invalid (volume group|logical volume) name|New volume group name "[^"]*" is invalid/i },
  { code: 'INVALID_SIZE', pattern: /Size is not a multiple|Invalid argument for --size|Size must be larger than/i },
  { code: 'NO_DEVICE_MAPPER', pattern: /Required device-mapper target\(s\) not detected|Failure to communicate with kernel device-mapper driver/i },
];

/** Turns a failed lvm command into an LvmError. Only ever called for a non-zero exit code. */
export function classifyLvmFailure(argv: readonly string[], result: { stderr: string; exitCode: number }): LvmError {
  const stderr = meaningfulStderr(result.stderr);
  const match = FAILURE_PATTERNS.find((p) => p.pattern.test(stderr));
  const code = match?.code ?? 'COMMAND_FAILED';
  const summary = stderr.split('\n').find((line) => line.trim() !== '')?.trim() ?? `exit code ${result.exitCode}`;
  return new LvmError(code, `${argv.slice(0, 2).join(' ')} failed (exit ${result.exitCode}): ${summary}`, {
    argv,
    stderr: result.stderr,
    exitCode: result.exitCode,
  });
}

/** Drops lvm's noise lines (leaked descriptors, activation warnings on hosts without device-mapper). */
export function meaningfulStderr(stderr: string): string {
  const lines = stderr.split('\n').map((line) => line.trim());
  const useful = lines.filter(
    (line) =>
      line !== '' &&
      !line.startsWith('File descriptor') &&
      !/^WARNING: (Activation disabled|Logical volume \S+ not zeroed|This metadata update is NOT backed up)/.test(line) &&
      !/^\/dev\/mapper\/control: open failed|^Check that device-mapper is available|^Incompatible libdevmapper/.test(line),
  );
  // When only device-mapper complaints were left out, keep them: they are the reason.
  return useful.length > 0 ? useful.join('\n') : lines.filter((l) => l !== '').join('\n');
}
