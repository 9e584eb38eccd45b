// The shipped CRD manifests: names, scope, printer columns, structural-schema rules, and NLS/NLSC consistency.
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { API_VERSION, GROUP, NLS, NLSC, VERSION } from './constants.js';
import { crdManifestPaths, loadCrdManifests } from './crd-manifests.js';
import { nodeLocalStorageInitConfigSchema, nodeLocalStorageSchema } from './generated/schemas.js';

type Schema = Record<string, unknown> & { properties?: Record<string, Schema>; items?: Schema; additionalProperties?: Schema | boolean };

function schemaOf(crd: { spec: { versions: Array<Record<string, unknown>> } }): Schema {
  return (crd.spec.versions[0]?.schema as { openAPIV3Schema: Schema }).openAPIV3Schema;
}

// The rules of a structural schema (apiextensions.k8s.io/v1) that hand-written YAML can break: every node has a
// type, no properties next to additionalProperties, and only name/generateName may constrain metadata.
function structuralProblems(schema: Schema, path: string): string[] {
  const problems: string[] = [];
  if (typeof schema.type !== 'string') problems.push(`${path}: no type`);
  if (schema.properties !== undefined && schema.additionalProperties !== undefined) problems.push(`${path}: properties and additionalProperties`);
  for (const banned of ['$ref', 'allOf', 'oneOf', 'anyOf', 'not', 'definitions', 'tsType']) {
    if (banned in schema) problems.push(`${path}: uses ${banned}`);
  }
  for (const [name, child] of Object.entries(schema.properties ?? {})) problems.push(...structuralProblems(child, `${path}.${name}`));
  if (schema.items !== undefined) problems.push(...structuralProblems(schema.items, `${path}[]`));
  if (typeof schema.additionalProperties === 'object') problems.push(...structuralProblems(schema.additionalProperties, `${path}{}`));
  return problems;
}

function propertiesAt(schema: Schema, path: string[]): Record<string, Schema> {
  const node = path.reduce<Schema | undefined>((at, key) => at?.properties?.[key], schema);
  return node?.properties ?? {};
}

function byteFields(schema: Schema, path: string): string[] {
  const own = schema.type === 'integer' ? [`${path}:${String(schema.format)}:${String(schema.minimum)}`] : [];
  const nested = Object.entries(schema.properties ?? {}).flatMap(([name, child]) => byteFields(child, `${path}.${name}`));
  return [...own, ...nested, ...(schema.items === undefined ? [] : byteFields(schema.items, `${path}[]`))];
}

describe('loadCrdManifests', () => {
  it('loads both CRDs with the group, names, scope and single served storage version', async () => {
    const { nodeLocalStorages, nodeLocalStorageInitConfigs } = await loadCrdManifests();
    for (const [crd, names] of [[nodeLocalStorages, NLS], [nodeLocalStorageInitConfigs, NLSC]] as const) {
      expect(crd.metadata.name).toBe(`${names.plural}.${GROUP}`);
      expect(crd.spec.group).toBe(GROUP);
      expect(crd.spec.scope).toBe('Cluster');
      expect(crd.spec.names).toMatchObject({ kind: names.kind, plural: names.plural, singular: names.singular, listKind: names.listKind, shortNames: [names.shortName] });
      expect(crd.spec.versions.map((v) => ({ name: v.name, served: v.served, storage: v.storage }))).toEqual([{ name: VERSION, served: true, storage: true }]);
    }
    expect(API_VERSION).toBe('csi.aliyun.com/v1alpha1');
  });

  it('gives NLS, and only NLS, a status subresource and the printer columns of Open-Local', async () => {
    const { nodeLocalStorages, nodeLocalStorageInitConfigs } = await loadCrdManifests();
    const nlsVersion = nodeLocalStorages.spec.versions[0];
    expect(nlsVersion?.subresources).toEqual({ status: {} });
    expect(nodeLocalStorageInitConfigs.spec.versions[0]?.subresources).toBeUndefined();
    expect(nlsVersion?.additionalPrinterColumns).toEqual([
      { name: 'State', type: 'string', jsonPath: '.status.nodeStorageInfo.state.type' },
      { name: 'Phase', type: 'string', jsonPath: '.status.nodeStorageInfo.phase' },
      { name: 'AgentUpdateAt', type: 'date', jsonPath: '.status.nodeStorageInfo.state.lastHeartbeatTime' },
      { name: 'SchedulerUpdateAt', type: 'date', jsonPath: '.status.filteredStorageInfo.updateStatusInfo.lastUpdateTime' },
      { name: 'SchedulerUpdateStatus', type: 'string', jsonPath: '.status.filteredStorageInfo.updateStatusInfo.updateStatus' },
    ]);
  });

  it('has structural schemas throughout', async () => {
    const { nodeLocalStorages, nodeLocalStorageInitConfigs } = await loadCrdManifests();
    expect(structuralProblems(schemaOf(nodeLocalStorages), 'nls')).toEqual([]);
    expect(structuralProblems(schemaOf(nodeLocalStorageInitConfigs), 'nlsc')).toEqual([]);
    expect(schemaOf(nodeLocalStorages).properties?.metadata).toEqual({ type: 'object' });
  });

  it('declares every byte count as a non-negative int64', async () => {
    const { nodeLocalStorages } = await loadCrdManifests();
    const fields = byteFields(schemaOf(nodeLocalStorages), '');
    expect(fields).toHaveLength(10); // thin pools (#17) added total and virtualUsed
    for (const field of fields) expect(field).toMatch(/:int64:0$/);
  });

  it('uses exactly the NLS spec blocks in the init config, globally and per node', async () => {
    const { nodeLocalStorages, nodeLocalStorageInitConfigs } = await loadCrdManifests();
    const { nodeName, ...blocks } = propertiesAt(schemaOf(nodeLocalStorages), ['spec']);
    expect(nodeName).toBeDefined();
    const nlscSpec = propertiesAt(schemaOf(nodeLocalStorageInitConfigs), ['spec']);
    const { selector, ...nodeBlocks } = nlscSpec.nodesConfig?.items?.properties ?? {};
    expect(selector).toBeDefined();
    expect(isDeepStrictEqual(nlscSpec.globalConfig?.properties, blocks)).toBe(true);
    expect(isDeepStrictEqual(nodeBlocks, blocks)).toBe(true);
  });

  it('matches the schemas compiled into the validators', async () => {
    const { nodeLocalStorages, nodeLocalStorageInitConfigs } = await loadCrdManifests();
    expect(nodeLocalStorageSchema).toEqual(schemaOf(nodeLocalStorages));
    expect(nodeLocalStorageInitConfigSchema).toEqual(schemaOf(nodeLocalStorageInitConfigs));
  });

  it('resolves the manifest paths inside this package', () => {
    const paths = crdManifestPaths();
    expect(paths.nodeLocalStorages).toMatch(/packages\/crd-types\/crds\/nodelocalstorages\.yaml$/);
    expect(paths.nodeLocalStorageInitConfigs).toMatch(/packages\/crd-types\/crds\/nodelocalstorageinitconfigs\.yaml$/);
  });

  it('honours an aborted signal', async () => {
    await expect(loadCrdManifests({ signal: AbortSignal.abort() })).rejects.toThrow(/abort/i);
  });
});
