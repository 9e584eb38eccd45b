// Loads the package's own protos (proto/csi.proto, proto/pluginregistration.proto) at run time with the same
// options the generated types assume. The files ship in the package; they are found relative to this module
// both from src/ (tests) and dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadPackageDefinition } from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../generated/csi.js';
import type { ProtoGrpcType as RegistrationProtoGrpcType } from '../generated/pluginregistration.js';

/** Must match the flags of `npm run generate`, or the generated types would lie. */
export const LOADER_OPTIONS: Options = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

/** Path of proto/<file>: one level up from dist/, two from src/adapters/. */
function protoPath(file: string): string {
  for (const relative of [`../proto/${file}`, `../../proto/${file}`]) {
    const path = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error(`proto/${file} not found next to ${fileURLToPath(import.meta.url)}`);
}

/** Path of proto/csi.proto. */
export function csiProtoPath(): string {
  return protoPath('csi.proto');
}

/** The csi.v1 package: service definitions for the server and client constructors for tests. */
export function loadCsiProto(): ProtoGrpcType {
  const definition = loadSync(csiProtoPath(), LOADER_OPTIONS);
  return loadPackageDefinition(definition) as unknown as ProtoGrpcType;
}

/** Kubelet's pluginregistration package: the Registration service and a client (what kubelet's watcher uses). */
export function loadRegistrationProto(): RegistrationProtoGrpcType {
  const definition = loadSync(protoPath('pluginregistration.proto'), LOADER_OPTIONS);
  return loadPackageDefinition(definition) as unknown as RegistrationProtoGrpcType;
}
