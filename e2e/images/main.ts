// scripts/images: builds the product's OCI images (e2e/images/catalog.ts lists them) into the tool cache and
// prints each image's reference, size and build time. Flags are checked before anything is built.
//
//   scripts/images [--tag TAG] [--prefix REGISTRY/PATH] [--only a,b] [--json PATH]
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ALL_IMAGES, checkPrefix, checkTag, DEFAULT_PREFIX, formatSize, selectImages } from './catalog.js';
import { buildImages } from './build.js';

const USAGE = `usage: scripts/images [--tag TAG] [--prefix REGISTRY/PATH] [--only NAME,...] [--json PATH]
  --tag     the apps' image tag (default: the chart's appVersion, which its image values name); sidecars keep their pinned version
  --prefix  repository prefix (default ${DEFAULT_PREFIX}: what the chart's default image values resolve to)
  --only    build only these images (${ALL_IMAGES.map((d) => d.name).join(', ')})
  --json    also write the list of built images (ref, archive, size) as JSON to PATH`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { tag: { type: 'string' }, prefix: { type: 'string' }, only: { type: 'string' }, json: { type: 'string' }, help: { type: 'boolean' } },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const repoRoot = resolve(process.env['REPO_ROOT'] ?? process.cwd());
  const cache = process.env['OPENLOCAL_CACHE'];
  if (cache === undefined || cache === '') throw new Error('OPENLOCAL_CACHE is not set (run through scripts/images, which sets it as scripts/lib.sh does)');
  const appVersion = /^appVersion:\s*"?([^"\s]+)"?/m.exec(readFileSync(join(repoRoot, 'charts', 'open-local', 'Chart.yaml'), 'utf8'))?.[1];
  const tag = checkTag(values.tag ?? appVersion ?? '');
  const prefix = checkPrefix(values.prefix ?? DEFAULT_PREFIX);
  const images = selectImages(values.only);
  const started = Date.now();
  const built = await buildImages({
    repoRoot, cacheDir: join(cache, 'images'), toolsBin: join(cache, 'tools', 'bin'), prefix, tag, images,
    log: (line) => console.log(`images: ${line}`),
  });
  const width = Math.max(...built.map((b) => b.ref.length));
  console.log(`${'IMAGE'.padEnd(width)}  ${'SIZE'.padStart(10)}  ${'UNPACKED'.padStart(10)}  ${'USER'.padEnd(11)}  TIME`);
  for (const b of built) console.log(`${b.ref.padEnd(width)}  ${formatSize(b.size).padStart(10)}  ${formatSize(b.unpackedSize).padStart(10)}  ${b.user.padEnd(11)}  ${b.seconds.toFixed(1)} s`);
  console.log(`images: ${built.length} image(s) in ${((Date.now() - started) / 1000).toFixed(1)} s; archives in ${join(cache, 'images', 'archives')}`);
  if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify(built, null, 2)}\n`);
}

main().catch((error: unknown) => {
  console.error(`scripts/images: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
