// Polls a component's health endpoint until it answers 200, failing early (with its log tail) if the process
// ends, or at the deadline with the last answer seen.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { describeExit, type ManagedProcess } from './process-group.js';

/** TLS material for probing our own endpoints; all PEM text. */
export interface ProbeTls {
  readonly ca: string;
  readonly cert?: string;
  readonly key?: string;
}

/** One HTTP(S) GET's outcome: a status and body, or the connection error's message. */
export type ProbeResult = { readonly status: number; readonly body: string } | { readonly error: string };

/** A single GET with a short timeout; never throws. */
export function probe(url: string, tls?: ProbeTls, timeoutMs = 2000): Promise<ProbeResult> {
  const isHttps = url.startsWith('https:');
  return new Promise((resolveProbe) => {
    const options = isHttps && tls ? { ca: tls.ca, cert: tls.cert, key: tls.key, timeout: timeoutMs } : { timeout: timeoutMs };
    const request = (isHttps ? httpsRequest : httpRequest)(url, { ...options, method: 'GET' }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolveProbe({ status: response.statusCode ?? 0, body }));
      response.on('error', (error) => resolveProbe({ error: error.message }));
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (error) => resolveProbe({ error: error.message }));
    request.end();
  });
}

function summarise(result: ProbeResult | undefined): string {
  if (result === undefined) return 'no probe finished';
  if ('error' in result) return `error: ${result.error}`;
  return `HTTP ${result.status}: ${result.body.slice(0, 2000)}`;
}

/** Waits until `url` answers 200 while `process` runs. */
export async function waitForHealthy(options: {
  readonly process: ManagedProcess;
  readonly url: string;
  readonly tls?: ProbeTls;
  readonly timeoutMs: number;
  readonly intervalMs?: number;
}): Promise<void> {
  const { process: child, url, timeoutMs } = options;
  const deadline = Date.now() + timeoutMs;
  let last: ProbeResult | undefined;
  for (;;) {
    const exit = child.exitInfo();
    if (exit) {
      throw new Error(`${child.name} ended (${describeExit(exit)}) before ${url} was healthy; log ${child.logPath}:\n${child.tailLog(40)}`);
    }
    last = await probe(url, options.tls);
    if ('status' in last && last.status === 200) return;
    if (Date.now() >= deadline) {
      throw new Error(
        `${child.name} not healthy at ${url} after ${timeoutMs} ms; last answer ${summarise(last)}; log ${child.logPath}:\n${child.tailLog(40)}`,
      );
    }
    await new Promise((resolveSleep) => setTimeout(resolveSleep, options.intervalMs ?? 200));
  }
}
