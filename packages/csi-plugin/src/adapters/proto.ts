// Loads the package's own proto/csi.proto at run time with the same options the generated types assume.
// The file ships in the package; it is found relative to this module both from src/ (tests) and dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadPackageDefinition } from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../generated/csi.js';

/** Must match the flags of `npm run generate`, or the generated types would lie. */
export const LOADER_OPTIONS: Options = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

/** Path of proto/csi.proto: one level up from dist/, two from src/adapters/. */
export function csiProtoPath(): string {
  for (const relative of ['../proto/csi.proto', '../../proto/csi.proto']) {
    const path = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error(`proto/csi.proto not found next to ${fileURLToPath(import.meta.url)}`);
}

/** The csi.v1 package: service definitions for the server and client constructors for tests. */
export function loadCsiProto(): ProtoGrpcType {
  const definition = loadSync(csiProtoPath(), LOADER_OPTIONS);
  return loadPackageDefinition(definition) as unknown as ProtoGrpcType;
}
