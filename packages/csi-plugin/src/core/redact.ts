// Copies a request for logging with every secret value replaced. CSI carries secrets in `secrets` maps
// (marked csi_secret in the spec); they must never reach a log line.
export const REDACTED = '[redacted]';

/** Deep copy of `value` where every `secrets` map has its values replaced by REDACTED. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'secrets' && inner !== null && typeof inner === 'object') {
      out[key] = Object.fromEntries(Object.keys(inner).map((k) => [k, REDACTED]));
    } else {
      out[key] = redactSecrets(inner);
    }
  }
  return out;
}
