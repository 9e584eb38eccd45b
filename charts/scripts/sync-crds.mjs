#!/usr/bin/env node
// Copies the CRD manifests from packages/crd-types/crds (the one source of truth) into the chart's crds/,
// byte for byte. Helm does not follow symlinks out of a chart, so the chart carries copies; `--check` only
// compares and exits 1 naming each file that drifted (the chart tests run the same comparison).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const source = join(root, 'packages', 'crd-types', 'crds');
const target = join(root, 'charts', 'open-local', 'crds');
const isCheck = process.argv.includes('--check');

const wanted = readdirSync(source).filter((name) => name.endsWith('.yaml')).sort();
const present = readdirSync(target).filter((name) => name.endsWith('.yaml')).sort();
const problems = [];
for (const name of wanted) {
  const bytes = readFileSync(join(source, name));
  let current = null;
  try {
    current = readFileSync(join(target, name));
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  if (current !== null && current.equals(bytes)) continue;
  if (isCheck) problems.push(`${name}: ${current === null ? 'missing from' : 'differs in'} charts/open-local/crds`);
  else writeFileSync(join(target, name), bytes);
}
for (const name of present.filter((n) => !wanted.includes(n))) {
  problems.push(`${name}: in charts/open-local/crds but not in packages/crd-types/crds (remove it)`);
}
if (problems.length > 0) {
  console.error(`CRDs out of sync (run node charts/scripts/sync-crds.mjs):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(isCheck ? `chart CRDs match packages/crd-types/crds (${wanted.length} files)` : `chart CRDs synced (${wanted.length} files)`);
