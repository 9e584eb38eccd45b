// Targets and staging paths kubelet hands us must lie inside the kubelet directory: a request naming any
// other path (/, /etc, a host mount) is refused before anything is created or mounted there.
import { posix } from 'node:path';
import { InvalidFieldError, missingField } from './errors.js';

/** Returns the normalised path when it is absolute and strictly inside `kubeletDir`. */
export function validatePathInside(path: string, kubeletDir: string, field: string): string {
  if (path === '') throw missingField(field);
  if (!path.startsWith('/')) throw new InvalidFieldError(field, path, 'must be an absolute path');
  if (/[\0\n]/.test(path)) throw new InvalidFieldError(field, path, 'must not contain NUL or newline characters');
  const normalised = posix.normalize(path).replace(/\/+$/, '');
  const root = posix.normalize(kubeletDir).replace(/\/+$/, '');
  if (!normalised.startsWith(`${root}/`)) {
    throw new InvalidFieldError(field, path, `must be inside the kubelet directory ${root}`);
  }
  return normalised;
}
