// HTTP status of a client-node call failure (ApiException carries it as `.code`); undefined for network errors.

export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'number' && code >= 100 && code < 600 ? code : undefined;
}
