// The one parser of `--endpoint`: only unix sockets with an absolute path are served.

/** `unix:///csi/csi.sock` or `unix:/csi/csi.sock` → `/csi/csi.sock`. Other schemes are refused. */
export function socketPathFromEndpoint(endpoint: string): string {
  const match = /^unix:(?:\/\/)?(\/.+)$/.exec(endpoint);
  if (!match?.[1]) throw new Error(`invalid --endpoint ${JSON.stringify(endpoint)}: expected unix:///absolute/path.sock`);
  return match[1];
}
