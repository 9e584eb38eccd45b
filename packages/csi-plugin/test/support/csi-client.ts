// A real grpc-js client of the plugin's unix socket, with promise-returning calls and the status code of a
// failure kept, so tests assert codes the way a CO sees them.
import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import { loadCsiProto } from '../../src/index.js';

export type CallResult<T> = { ok: true; value: T } | { ok: false; code: status; details: string };

type Unary = (request: object, callback: (error: ServiceError | null, value?: unknown) => void) => unknown;

export interface CsiClient {
  call<T = Record<string, unknown>>(service: 'Identity' | 'Controller' | 'Node', method: string, request: object): Promise<CallResult<T>>;
  /** Like call, but throws on any failure. */
  must<T = Record<string, unknown>>(service: 'Identity' | 'Controller' | 'Node', method: string, request: object): Promise<T>;
  close(): void;
}

export function createCsiClient(socketPath: string): CsiClient {
  const v1 = loadCsiProto().csi.v1;
  const address = `unix://${socketPath}`;
  const clients = {
    Identity: new v1.Identity(address, credentials.createInsecure()),
    Controller: new v1.Controller(address, credentials.createInsecure()),
    Node: new v1.Node(address, credentials.createInsecure()),
  };
  const call = <T>(service: keyof typeof clients, method: string, request: object) =>
    new Promise<CallResult<T>>((resolve) => {
      const client = clients[service] as unknown as Record<string, Unary>;
      const fn = client[method];
      if (fn === undefined) throw new Error(`no method ${service}.${method}`);
      fn.call(client, request, (error, value) => {
        resolve(error ? { ok: false, code: error.code, details: error.details } : { ok: true, value: value as T });
      });
    });
  return {
    call,
    async must<T>(service: keyof typeof clients, method: string, request: object): Promise<T> {
      const result = await call<T>(service, method, request);
      if (!result.ok) throw new Error(`${service}.${method} failed: ${status[result.code]} ${result.details}`);
      return result.value;
    },
    close() {
      for (const client of Object.values(clients)) client.close();
    },
  };
}

/** A mount capability with an access mode (RWO by default). */
export function mountCapability(fsType = '', mode = 'SINGLE_NODE_WRITER', flags: string[] = []) {
  return { mount: { fs_type: fsType, mount_flags: flags }, access_mode: { mode } };
}

export function blockCapability(mode = 'SINGLE_NODE_WRITER') {
  return { block: {}, access_mode: { mode } };
}
