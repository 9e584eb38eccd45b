// Builds the product's OCI images offline (see catalog.ts for what and e2e/images/README.md for why so):
// layers are content-keyed in the cache (<cache>/images), so a warm run only re-bundles the apps and re-packs
// what changed. Every archive is `ctr images import`-able; nothing here needs a container engine.
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, readdir, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGzip } from 'node:zlib';
import {
  NODE_IMAGE_COMMANDS, NODE_IMAGE_PACKAGES, NODE_PATH, imageLabels, imageRef, parseVersionsEnv, type AppImage, type Base, type ImageDefinition, type SidecarImage,
} from './catalog.js';
import { blobPath, imageBlobs, MEDIA_TYPES, packLayerTar, writeOciArchive, type LayerRef } from './oci.js';
import { COMMONJS_SHIMS, NODE_TARGET } from '../../scripts/build/tsup-shared.mjs';

const run = promisify(execFile);
/** Debian release of the node images' root file system (the machine's own, so the host's Node runs on it). */
const DEBIAN_SUITE = 'bookworm';
/** Bumped when a layer's recipe changes, so old cached layers are not reused for the new recipe. */
const RECIPE = 'v1';

export interface BuildRequest {
  readonly repoRoot: string;
  /** <OPENLOCAL_CACHE>/images: the blob store, layer records and archives. */
  readonly cacheDir: string;
  /** The tool cache's bin directory (scripts/build-tools): the sidecar binaries. */
  readonly toolsBin: string;
  readonly prefix: string;
  readonly tag: string;
  readonly images: readonly ImageDefinition[];
  readonly log: (line: string) => void;
  /** Label values; read from git and package.json when absent. */
  readonly revision?: string;
  readonly source?: string;
}

export interface BuiltImage {
  readonly name: string;
  readonly ref: string;
  readonly archive: string;
  readonly manifestDigest: string;
  /** Bytes of the archive's blobs (compressed layers, config, manifest): what a registry stores. */
  readonly size: number;
  /** Bytes of the uncompressed layers: what the image takes on a node. */
  readonly unpackedSize: number;
  readonly seconds: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly user: string;
}

interface StoredLayer extends LayerRef {
  readonly unpackedSize: number;
}

/** Runs a command with an argv; on failure the error carries its stderr tail and names the command. */
async function exec(command: string, args: readonly string[], options: { cwd?: string } = {}): Promise<string> {
  try {
    const { stdout } = await run(command, [...args], { maxBuffer: 64 * 1024 * 1024, ...options });
    return stdout;
  } catch (error) {
    const e = error as { code?: string | number; stderr?: string };
    if (e.code === 'ENOENT') throw new Error(`${command} is not installed: ${missingCommandHint(command)}`);
    throw new Error(`${command} ${args.slice(0, 6).join(' ')}… failed (${String(e.code)}): ${(e.stderr ?? '').trim().split('\n').slice(-15).join('\n')}`, { cause: error });
  }
}

function missingCommandHint(command: string): string {
  if (command === 'mmdebstrap') return 'install the Debian package mmdebstrap (scripts/setup installs it from scripts/machine/debian-packages.txt)';
  return 'install it (scripts/setup installs the Debian packages of scripts/machine/debian-packages.txt)';
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

function sha256Text(...parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex');
}

/** Gzips `tarPath` into the blob store: the layer's digest (gzip) and diff id (tar) from one streaming pass. */
async function storeLayer(cacheDir: string, tarPath: string): Promise<StoredLayer> {
  const diff = createHash('sha256');
  const compressed = createHash('sha256');
  let unpackedSize = 0;
  let size = 0;
  const temp = join(cacheDir, 'blobs', `.incoming-${process.pid}-${Date.now()}`);
  await mkdir(dirname(temp), { recursive: true });
  const tee = (hash: ReturnType<typeof createHash>, count: (n: number) => void) => new Transform({
    transform(chunk: Buffer, _encoding, callback) { hash.update(chunk); count(chunk.length); callback(null, chunk); },
  });
  await pipeline(createReadStream(tarPath), tee(diff, (n) => { unpackedSize += n; }), createGzip({ level: 6 }), tee(compressed, (n) => { size += n; }), createWriteStream(temp));
  const digest = `sha256:${compressed.digest('hex')}`;
  const target = blobPath(cacheDir, digest);
  await mkdir(dirname(target), { recursive: true });
  await rename(temp, target);
  return { digest, size, diffId: `sha256:${diff.digest('hex')}`, mediaType: MEDIA_TYPES.layerGzip, unpackedSize };
}

/**
 * A layer from the cache by key, or built by `make` (which packs a tar into the path it is given) and stored.
 * The record is written last, so an interrupted build leaves no record pointing at a missing blob.
 */
async function cachedLayer(cacheDir: string, key: string, what: string, log: (line: string) => void, make: (tarPath: string, workDir: string) => Promise<void>): Promise<StoredLayer> {
  const record = join(cacheDir, 'layers', `${key}.json`);
  if (existsSync(record)) {
    const layer = JSON.parse(await readFile(record, 'utf8')) as StoredLayer;
    if (existsSync(blobPath(cacheDir, layer.digest))) return layer;
  }
  const started = Date.now();
  const work = await mkdtemp(join(cacheDir, '.work-'));
  try {
    const tarPath = join(work, 'layer.tar');
    await make(tarPath, work);
    const layer = await storeLayer(cacheDir, tarPath);
    await mkdir(dirname(record), { recursive: true });
    await writeFile(record, JSON.stringify(layer));
    log(`built layer ${what} in ${((Date.now() - started) / 1000).toFixed(1)} s (${(layer.size / 2 ** 20).toFixed(1)} MiB gzip, ${(layer.unpackedSize / 2 ** 20).toFixed(1)} MiB tar)`);
    return layer;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The node images' Debian root file system: mmdebstrap of the storage tools, trimmed of docs and apt state. */
async function storageBase(request: BuildRequest): Promise<StoredLayer> {
  const key = sha256Text('storage-base', RECIPE, DEBIAN_SUITE, ...NODE_IMAGE_PACKAGES);
  return cachedLayer(request.cacheDir, key, `storage base (Debian ${DEBIAN_SUITE}: ${NODE_IMAGE_PACKAGES.join(', ')})`, request.log, async (tarPath, work) => {
    if (process.getuid?.() !== 0) throw new Error('building the node images\' root file system needs root (mmdebstrap --mode=root)');
    const root = join(work, 'rootfs');
    request.log(`mmdebstrap ${DEBIAN_SUITE} with ${NODE_IMAGE_PACKAGES.join(', ')} (first build only; cached after)`);
    try {
      await exec('mmdebstrap', [
        '--mode=root', '--variant=essential', '--format=directory', `--include=${NODE_IMAGE_PACKAGES.join(',')}`,
        '--dpkgopt=path-exclude=/usr/share/man/*', '--dpkgopt=path-exclude=/usr/share/locale/*', '--dpkgopt=path-exclude=/usr/share/info/*',
        '--dpkgopt=path-exclude=/usr/share/doc/*', '--dpkgopt=path-include=/usr/share/doc/*/copyright',
        DEBIAN_SUITE, root,
      ]);
    } catch (error) {
      const message = (error as Error).message;
      const missing = /Unable to locate package (\S+)/.exec(message)?.[1];
      throw new Error(missing
        ? `Debian package ${missing} (wanted in the node images) is not available from the machine's apt sources: ${message}`
        : `mmdebstrap could not build the node images' root file system from ${NODE_IMAGE_PACKAGES.join(', ')}: ${message}`, { cause: error });
    }
    const absent = NODE_IMAGE_COMMANDS.filter((command) => !existsSync(join(root, command)));
    if (absent.length > 0) throw new Error(`the node images' root file system lacks ${absent.join(', ')} after installing ${NODE_IMAGE_PACKAGES.join(', ')}`);
    for (const dir of ['var/cache/apt', 'var/lib/apt/lists', 'var/log', 'var/cache/debconf']) {
      const path = join(root, dir);
      if (!existsSync(path)) continue;
      for (const entry of await readdir(path)) await rm(join(path, entry), { recursive: true, force: true });
    }
    await packLayerTar(root, ['.'], tarPath, { keepOwners: true, excludes: ['./dev/*', './proc/*', './sys/*', './run/*', './tmp/*'] });
  });
}

/** Node's shared libraries on this machine (ldd), as [path Node asks for, real file]. */
async function nodeLibraries(): Promise<{ wanted: string; real: string }[]> {
  const out = await exec('ldd', [process.execPath]);
  const libraries: { wanted: string; real: string }[] = [];
  for (const line of out.split('\n')) {
    const match = /=>\s+(\/\S+)|^\s*(\/\S+)\s+\(/.exec(line);
    const path = match?.[1] ?? match?.[2];
    if (path === undefined) continue;
    libraries.push({ wanted: path, real: (await exec('readlink', ['-f', path])).trim() });
  }
  if (!libraries.some((l) => l.wanted.includes('ld-linux'))) throw new Error(`ldd ${process.execPath} lists no dynamic loader: ${out}`);
  return libraries;
}

/**
 * The extender's and controller's base: no shell, no package manager, no storage tool; Node's libraries (merged
 * /usr, as Debian has it), a passwd naming the non-root user, and /tmp.
 */
async function minimalBase(request: BuildRequest): Promise<StoredLayer> {
  const libraries = await nodeLibraries();
  const hashes = await Promise.all(libraries.map(async (l) => `${l.wanted}=${await sha256File(l.real)}`));
  const key = sha256Text('minimal-base', RECIPE, ...hashes);
  return cachedLayer(request.cacheDir, key, 'minimal base (Node\'s libraries, passwd, /tmp)', request.log, async (tarPath, work) => {
    const root = join(work, 'rootfs');
    for (const dir of ['usr/lib/x86_64-linux-gnu', 'usr/lib64', 'etc', 'tmp', 'home/nonroot', 'usr/local/bin']) await mkdir(join(root, dir), { recursive: true });
    await symlink('usr/lib', join(root, 'lib'));
    await symlink('usr/lib64', join(root, 'lib64'));
    for (const library of libraries) {
      // /lib/x86_64-linux-gnu/libc.so.6 -> usr/lib/x86_64-linux-gnu/libc.so.6 (through the lib symlink).
      const inImage = library.wanted.replace(/^\/(lib|lib64)\//, '/usr/$1/');
      await mkdir(join(root, dirname(inImage)), { recursive: true });
      await copyFile(library.real, join(root, inImage));
    }
    await chmod(join(root, 'tmp'), 0o1777);
    await writeFile(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n');
    await writeFile(join(root, 'etc', 'group'), 'root:x:0:\nnonroot:x:65532:\n');
    await packLayerTar(root, ['.'], tarPath);
  });
}

/** Node itself: the machine's binary (Debian serves only Node 18) and its licence. */
async function nodeRuntime(request: BuildRequest): Promise<StoredLayer> {
  const key = sha256Text('node-runtime', RECIPE, await sha256File(process.execPath));
  return cachedLayer(request.cacheDir, key, `Node ${process.version} runtime`, request.log, async (tarPath, work) => {
    const root = join(work, 'rootfs');
    await mkdir(join(root, dirname(NODE_PATH.slice(1))), { recursive: true });
    await copyFile(process.execPath, join(root, NODE_PATH.slice(1)));
    await chmod(join(root, NODE_PATH.slice(1)), 0o755);
    const licence = '/usr/share/doc/nodejs/LICENSE';
    if (existsSync(licence)) {
      await mkdir(join(root, 'usr/share/doc/nodejs'), { recursive: true });
      await copyFile(licence, join(root, 'usr/share/doc/nodejs/LICENSE'));
    }
    await packLayerTar(root, ['.'], tarPath);
  });
}

/** @openlocal/<name> -> packages/<dir>/src/index.ts for every workspace package. */
function workspaceAliases(repoRoot: string): Record<string, string> {
  const aliases: Record<string, string> = {};
  for (const dir of readdirSync(join(repoRoot, 'packages'))) {
    const manifest = join(repoRoot, 'packages', dir, 'package.json');
    const entry = join(repoRoot, 'packages', dir, 'src', 'index.ts');
    if (!existsSync(manifest) || !existsSync(entry)) continue;
    aliases[(JSON.parse(readFileSync(manifest, 'utf8')) as { name: string }).name] = entry;
  }
  return aliases;
}

/** Bundles an app into one ES module (every dependency inlined) with tsup; returns its text. */
export async function bundleApp(request: Pick<BuildRequest, 'repoRoot'>, app: Pick<AppImage, 'packageDir'>, outDir: string): Promise<string> {
  const { build } = await import('tsup');
  await build({
    entry: { main: join(request.repoRoot, 'packages', app.packageDir, 'src', 'main.ts') },
    format: ['esm'], platform: 'node', target: NODE_TARGET, outDir, noExternal: [/.*/], splitting: false, sourcemap: false,
    clean: true, silent: true, config: false, dts: false, banner: { js: COMMONJS_SHIMS },
    // Workspace packages from their sources, not their dist/ (which may be stale or mid-build): the image is the code.
    // Whitespace and syntax minified (identifiers kept, so stack traces stay readable): less to parse at start,
    // which matters on slow nodes (under emulation Node spends most of its start-up parsing the bundle).
    esbuildOptions: (options) => {
      options.alias = { ...options.alias, ...workspaceAliases(request.repoRoot) };
      options.minifyWhitespace = true;
      options.minifySyntax = true;
    },
    tsconfig: join(request.repoRoot, 'packages', app.packageDir, 'tsconfig.json'),
  });
  const text = await readFile(join(outDir, 'main.js'), 'utf8');
  // The source's "#!/usr/bin/env node" needs env; the image runs Node by its path.
  return `#!${NODE_PATH}\n${text.replace(/^#!.*\n/, '')}`;
}

async function appLayer(request: BuildRequest, app: AppImage, version: string): Promise<StoredLayer> {
  const work = await mkdtemp(join(request.cacheDir, '.bundle-'));
  try {
    const bundle = await bundleApp(request, app, join(work, 'out'));
    const root = join(work, 'rootfs');
    await mkdir(join(root, 'app', 'dist'), { recursive: true });
    await writeFile(join(root, 'app', 'dist', 'main.js'), bundle, { mode: 0o755 });
    await writeFile(join(root, 'app', 'package.json'), `${JSON.stringify({ name: `@openlocal/${app.packageDir}`, version, type: 'module', private: true })}\n`);
    for (const file of app.packageFiles) {
      await mkdir(join(root, 'app', dirname(file)), { recursive: true });
      await copyFile(join(request.repoRoot, 'packages', app.packageDir, file), join(root, 'app', file));
    }
    for (const file of app.dependencyFiles) {
      const source = join(request.repoRoot, 'node_modules', file.source);
      if (!existsSync(source)) throw new Error(`${app.name}: ${file.source} is missing from node_modules (run npm ci)`);
      await mkdir(join(root, dirname(file.target.slice(1))), { recursive: true });
      await copyFile(source, join(root, file.target.slice(1)));
    }
    await mkdir(join(root, 'usr', 'local', 'bin'), { recursive: true });
    await symlink('/app/dist/main.js', join(root, 'usr', 'local', 'bin', app.command));
    const entries = ['app', 'usr', ...new Set(app.dependencyFiles.map((f) => f.target.split('/')[1] as string))];
    // The bundle is content: its layer key is its own hash, so an unchanged app reuses its stored blob.
    const key = sha256Text('app', RECIPE, app.name, version, bundle, ...await Promise.all([...app.packageFiles.map((f) => join(root, 'app', f)), ...app.dependencyFiles.map((f) => join(root, f.target.slice(1)))].map(sha256File)));
    return await cachedLayer(request.cacheDir, key, `app ${app.name}`, request.log, async (tarPath) => packLayerTar(root, entries, tarPath));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function sidecarLayer(request: BuildRequest, sidecar: SidecarImage): Promise<StoredLayer> {
  const binary = join(request.toolsBin, sidecar.binary);
  if (!existsSync(binary)) throw new Error(`${sidecar.binary} is missing from ${request.toolsBin}: run scripts/build-tools (it builds the pinned ${sidecar.name})`);
  const key = sha256Text('sidecar', RECIPE, sidecar.name, await sha256File(binary));
  return cachedLayer(request.cacheDir, key, `sidecar ${sidecar.name}`, request.log, async (tarPath, work) => {
    const root = join(work, 'rootfs');
    await mkdir(join(root, 'tmp'), { recursive: true });
    await chmod(join(root, 'tmp'), 0o1777);
    await copyFile(binary, join(root, sidecar.binary));
    await chmod(join(root, sidecar.binary), 0o755);
    await packLayerTar(root, ['.'], tarPath);
  });
}

async function gitRevision(repoRoot: string): Promise<string> {
  const head = (await exec('git', ['-C', repoRoot, 'rev-parse', 'HEAD'])).trim();
  const dirty = (await exec('git', ['-C', repoRoot, 'status', '--porcelain', '--untracked-files=no'])).trim() !== '';
  return dirty ? `${head}-dirty` : head;
}

async function gitSource(repoRoot: string): Promise<string> {
  const remote = await exec('git', ['-C', repoRoot, 'remote', 'get-url', 'origin']).catch(() => '');
  return remote.trim() === '' ? 'unknown (the checkout has no git remote "origin")' : remote.trim();
}

const SIDECAR_SOURCES: Readonly<Record<string, string>> = {
  'csi-provisioner': 'https://github.com/kubernetes-csi/external-provisioner',
  'csi-resizer': 'https://github.com/kubernetes-csi/external-resizer',
  'csi-snapshotter': 'https://github.com/kubernetes-csi/external-snapshotter',
  'snapshot-controller': 'https://github.com/kubernetes-csi/external-snapshotter',
  'csi-node-driver-registrar': 'https://github.com/kubernetes-csi/node-driver-registrar',
};

/** Builds every requested image; returns them in request order. Throws naming what is missing. */
export async function buildImages(request: BuildRequest): Promise<BuiltImage[]> {
  await mkdir(request.cacheDir, { recursive: true });
  const versions = parseVersionsEnv(await readFile(join(request.repoRoot, 'tools', 'versions.env'), 'utf8'));
  const revision = request.revision ?? await gitRevision(request.repoRoot);
  const source = request.source ?? await gitSource(request.repoRoot);
  const built: BuiltImage[] = [];
  const bases = new Map<Base, Promise<StoredLayer>>();
  const base = (kind: Base) => {
    if (!bases.has(kind)) bases.set(kind, kind === 'storage' ? storageBase(request) : minimalBase(request));
    return bases.get(kind) as Promise<StoredLayer>;
  };
  for (const definition of request.images) {
    const started = Date.now();
    const ref = imageRef(definition, { prefix: request.prefix, tag: request.tag, versions });
    let layers: StoredLayer[];
    let labels: Record<string, string>;
    let entrypoint: string[];
    let user = '0:0';
    if (definition.kind === 'app') {
      const packageJson = JSON.parse(await readFile(join(request.repoRoot, 'packages', definition.packageDir, 'package.json'), 'utf8')) as { version: string; description?: string };
      layers = [await base(definition.base), await nodeRuntime(request), await appLayer(request, definition, packageJson.version)];
      labels = { ...imageLabels({ version: packageJson.version, revision, source, title: `open-local ${definition.name}` }), 'org.opencontainers.image.description': packageJson.description ?? definition.name };
      entrypoint = [`/usr/local/bin/${definition.command}`];
      user = definition.user ?? '0:0';
    } else {
      layers = [await sidecarLayer(request, definition)];
      const version = ref.slice(ref.lastIndexOf(':') + 1);
      labels = imageLabels({ version, revision, source: SIDECAR_SOURCES[definition.name] ?? source, title: definition.name });
      entrypoint = [`/${definition.binary}`];
    }
    const spec = {
      name: ref, layers, entrypoint, labels, env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      workingDir: definition.kind === 'app' ? '/app' : '/', ...(user === '0:0' ? {} : { user }),
    };
    const partialDir = join(request.cacheDir, 'archives');
    const archive = join(partialDir, `${definition.name}-${ref.slice(ref.lastIndexOf(':') + 1)}.oci.tar`);
    const { manifestDigest } = await writeOciArchiveIfChanged(archive, spec, request.cacheDir);
    const blobs = await Promise.all([manifestDigest].map((d) => stat(blobPath(request.cacheDir, d))));
    const manifest = JSON.parse(await readFile(blobPath(request.cacheDir, manifestDigest), 'utf8')) as { config: { size: number } };
    const size = layers.reduce((sum, l) => sum + l.size, 0) + manifest.config.size + (blobs[0]?.size ?? 0);
    built.push({
      name: definition.name, ref, archive, manifestDigest, size, unpackedSize: layers.reduce((sum, l) => sum + l.unpackedSize, 0),
      seconds: (Date.now() - started) / 1000, labels, user,
    });
  }
  return built;
}

/** Writes the archive unless the one on disk already holds this manifest (its digest is kept beside it). */
async function writeOciArchiveIfChanged(archive: string, spec: Parameters<typeof writeOciArchive>[1], cacheDir: string): Promise<{ manifestDigest: string }> {
  const wanted = imageBlobs(spec).manifest.digest;
  const stamp = `${archive}.digest`;
  if (existsSync(archive) && existsSync(stamp) && (await readFile(stamp, 'utf8')).trim() === wanted) {
    const { manifest } = imageBlobs(spec);
    // The manifest blob may be gone from a pruned store: write it back (the size report reads it).
    await mkdir(dirname(blobPath(cacheDir, wanted)), { recursive: true });
    if (!existsSync(blobPath(cacheDir, wanted))) await writeFile(blobPath(cacheDir, wanted), manifest.data);
    return { manifestDigest: wanted };
  }
  const { manifestDigest } = await writeOciArchive(archive, spec, cacheDir);
  await writeFile(stamp, `${manifestDigest}\n`);
  return { manifestDigest };
}

