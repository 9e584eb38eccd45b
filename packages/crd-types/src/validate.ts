// ajv validators compiled from the CRDs' own openAPIV3Schemas, with errors that name the field path and value.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { API_VERSION, NLS, NLSC } from './constants.js';
import { CrdValidationError, type ValidationIssue } from './errors.js';
import type { NodeLocalStorage } from './generated/nodelocalstorage.js';
import type { NodeLocalStorageInitConfig } from './generated/nodelocalstorageinitconfig.js';
import { nodeLocalStorageInitConfigSchema, nodeLocalStorageSchema } from './generated/schemas.js';

/** Outcome of a validation: the typed object, or every issue found plus a ready-to-throw error. */
export type ValidationResult<T> =
  | { ok: true; value: T }
  | { ok: false; issues: readonly ValidationIssue[]; error: CrdValidationError };

// RFC 3339 as Kubernetes serialises metav1.Time (`2024-01-02T03:04:05Z`, optional fraction and offset).
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function buildValidators(): { nls: ValidateFunction; nlsc: ValidateFunction } {
  const ajv = new Ajv({ allErrors: true, strict: true });
  // The apiserver accepts any int64; we accept only what a JS number holds exactly, so byte counts never round.
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addFormat('date-time', { type: 'string', validate: (s: string) => RFC3339.test(s) && !Number.isNaN(Date.parse(s)) });
  return { nls: ajv.compile(nodeLocalStorageSchema), nlsc: ajv.compile(nodeLocalStorageInitConfigSchema) };
}

// Compiling takes a few milliseconds; do it on first use, not at import (the package has no import side effects).
let compiled: ReturnType<typeof buildValidators> | undefined;
function validators(): ReturnType<typeof buildValidators> {
  compiled ??= buildValidators();
  return compiled;
}

/** Turns a JSON pointer (`/spec/listConfig/vgs/include/3`) into `spec.listConfig.vgs.include[3]`. */
export function pointerToPath(pointer: string): string {
  if (pointer === '') return '(root)';
  const parts = pointer.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  return parts.reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path === '' ? part : `${path}.${part}`), '');
}

function valueAt(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function toIssue(root: unknown, error: ErrorObject): ValidationIssue {
  if (error.keyword === 'required') {
    const missing = String((error.params as { missingProperty: string }).missingProperty);
    const pointer = `${error.instancePath}/${missing}`;
    return { path: pointerToPath(pointer), message: 'is required', value: undefined };
  }
  const value = valueAt(root, error.instancePath);
  const message = error.keyword === 'format' && (error.params as { format: string }).format === 'int64'
    ? 'must be a safe integer (at most 2^53-1)'
    : error.keyword === 'enum'
      ? `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`
      : (error.message ?? error.keyword);
  return { path: pointerToPath(error.instancePath), message, value };
}

function identityIssues(obj: unknown, kind: string): ValidationIssue[] {
  if (obj === null || typeof obj !== 'object') return [];
  const { apiVersion, kind: actualKind } = obj as { apiVersion?: unknown; kind?: unknown };
  const issues: ValidationIssue[] = [];
  if (apiVersion !== undefined && apiVersion !== API_VERSION) issues.push({ path: 'apiVersion', message: `must be "${API_VERSION}"`, value: apiVersion });
  if (actualKind !== undefined && actualKind !== kind) issues.push({ path: 'kind', message: `must be "${kind}"`, value: actualKind });
  return issues;
}

function run<T>(validate: ValidateFunction, kind: string, obj: unknown): ValidationResult<T> {
  const schemaIssues = validate(obj) ? [] : (validate.errors ?? []).map((e) => toIssue(obj, e));
  const issues = [...identityIssues(obj, kind), ...schemaIssues];
  if (issues.length === 0) return { ok: true, value: obj as T };
  return { ok: false, issues, error: new CrdValidationError(kind, issues) };
}

/**
 * Checks an object against the NodeLocalStorage CRD schema (and, when present, its apiVersion and kind).
 * Unknown fields are allowed, as the apiserver allows (and prunes) them.
 */
export function validateNodeLocalStorage(obj: unknown): ValidationResult<NodeLocalStorage> {
  return run(validators().nls, NLS.kind, obj);
}

/** Checks an object against the NodeLocalStorageInitConfig CRD schema (and, when present, its apiVersion and kind). */
export function validateNodeLocalStorageInitConfig(obj: unknown): ValidationResult<NodeLocalStorageInitConfig> {
  return run(validators().nlsc, NLSC.kind, obj);
}

/** Like {@link validateNodeLocalStorage} but returns the typed object or throws {@link CrdValidationError}. */
export function parseNodeLocalStorage(obj: unknown): NodeLocalStorage {
  const result = validateNodeLocalStorage(obj);
  if (!result.ok) throw result.error;
  return result.value;
}

/** Like {@link validateNodeLocalStorageInitConfig} but returns the typed object or throws {@link CrdValidationError}. */
export function parseNodeLocalStorageInitConfig(obj: unknown): NodeLocalStorageInitConfig {
  const result = validateNodeLocalStorageInitConfig(obj);
  if (!result.ok) throw result.error;
  return result.value;
}
