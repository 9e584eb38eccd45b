// Random free TCP ports on loopback, asked from the kernel (listen on port 0, read it, close).
import { createServer } from 'node:net';

function askKernelForPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolvePort(port) : reject(new Error('kernel gave no port'))));
    });
  });
}

/**
 * `count` distinct free ports. A port is only free when asked; the processes we start bind it a moment later,
 * which is the usual (tiny) race of this technique, so callers fail loudly rather than retry silently.
 */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await askKernelForPort());
  return [...ports];
}
