// `open-local-status`: the storage picture without Grafana, in a terminal. It asks a running extender for its
// read-only GET /status (per node, each VG, device and mount point as a bar of charged vs allocatable, with
// the claims on it) and prints it; the same page is HTML in a browser.
import { Command, InvalidArgumentError } from 'commander';

const DEFAULT_URL = 'http://127.0.0.1:23000';

export interface StatusOptions {
  url: string;
  isHtml: boolean;
  timeoutMs: number;
}

function parseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`--url ${JSON.stringify(value)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError(`--url ${JSON.stringify(value)} must be http or https`);
  return url.href.replace(/\/+$/, '');
}

function parseTimeout(value: string): number {
  const ms = Number(value);
  if (!Number.isSafeInteger(ms) || ms <= 0) throw new InvalidArgumentError(`--timeout-ms ${JSON.stringify(value)} must be a positive whole number`);
  return ms;
}

/** The command's flags; --help lists them with their defaults. */
export function parseStatusOptions(argv: readonly string[]): StatusOptions {
  const program = new Command('open-local-status')
    .description('Print the storage picture a running Open-Local scheduler extender serves at GET /status: per node, each VG, device and mount point as used vs allocatable, with the claims on it.')
    .option('--url <url>', 'the extender (e.g. after `kubectl -n kube-system port-forward svc/open-local-scheduler-extender 23000`)', parseUrl, DEFAULT_URL)
    .option('--html', 'print the HTML page instead of text', false)
    .option('--timeout-ms <ms>', 'give up after this long', parseTimeout, 10_000)
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  program.parse([...argv]);
  const options = program.opts<{ url: string; html: boolean; timeoutMs: number }>();
  return { url: options.url, isHtml: options.html, timeoutMs: options.timeoutMs };
}

/** Fetches the picture; fails naming the URL and what went wrong. */
export async function fetchStatus(options: StatusOptions): Promise<string> {
  const url = `${options.url}/status${options.isHtml ? '' : '?format=text'}`;
  const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs) }).catch((error: unknown) => {
    throw new Error(`cannot reach the extender at ${url}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`the extender at ${url} answered ${response.status}: ${body.slice(0, 200)}`);
  return body;
}

export async function runStatus(argv: readonly string[]): Promise<void> {
  process.stdout.write(await fetchStatus(parseStatusOptions(argv)));
}
