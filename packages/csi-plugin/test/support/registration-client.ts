// What kubelet's plugin watcher does with a registration socket, as a real grpc-js client: GetInfo, then
// NotifyRegistrationStatus with its verdict.
import { credentials, type ServiceError } from '@grpc/grpc-js';
import { loadRegistrationProto } from '../../src/index.js';

export interface PluginInfoReply {
  type: string;
  name: string;
  endpoint: string;
  supported_versions: string[];
}

export interface RegistrationClient {
  getInfo(): Promise<PluginInfoReply>;
  notify(status: { plugin_registered: boolean; error?: string }): Promise<object>;
  close(): void;
}

export function createRegistrationClient(socketPath: string): RegistrationClient {
  const { Registration } = loadRegistrationProto().pluginregistration;
  const client = new Registration(`unix://${socketPath}`, credentials.createInsecure());
  const settle =
    <T>(resolve: (value: T) => void, reject: (error: Error) => void) =>
    (error: ServiceError | null, value?: T) => {
      if (error) reject(error);
      else if (value === undefined) reject(new Error('empty reply'));
      else resolve(value);
    };
  return {
    getInfo: () => new Promise((resolve, reject) => client.GetInfo({}, settle<PluginInfoReply>(resolve, reject))),
    notify: (status) => new Promise((resolve, reject) => client.NotifyRegistrationStatus({ error: '', ...status }, settle<object>(resolve, reject))),
    close: () => client.close(),
  };
}
