// src/generated must be exactly what `npm run generate` makes from proto/csi.proto and
// proto/pluginregistration.proto today: a proto edit without regenerating (or a hand edit of generated code)
// fails here.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name))).sort();
}

describe('generated CSI and plugin-registration types', () => {
  let outDir = '';
  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('match a fresh generation from the protos in proto/', async () => {
    outDir = await mkdtemp(join(tmpdir(), 'csi-generated-'));
    await exec(process.execPath, [join(packageDir, 'scripts', 'generate.mjs'), outDir], { cwd: packageDir });
    const committed = join(packageDir, 'src', 'generated');
    const files = await listFiles(outDir);
    expect(await listFiles(committed)).toEqual(files);
    for (const file of files) {
      expect(await readFile(join(committed, file), 'utf8'), file).toBe(await readFile(join(outDir, file), 'utf8'));
    }
  });
});
