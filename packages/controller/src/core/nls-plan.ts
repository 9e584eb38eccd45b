// The controller's one decision: given a Node, its NLS and the init config (each possibly absent), what must be
// written? Create a missing NLS, replace a spec that differs from the merged one, delete an NLS whose Node is
// gone, or nothing. "Nothing changed" is decided here, so an idle controller makes no writes.
import { initConfigToNodeSpec, InvalidSelectorError, type NodeLocalStorageInitConfigSpec, type NodeLocalStorageSpec } from '@openlocal/crd-types';
import { isSameJson } from '@openlocal/kube-runtime';

export interface NodeView {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface NlsView {
  readonly name: string;
  readonly spec: NodeLocalStorageSpec | undefined;
  readonly isDeleting: boolean;
}

export interface NlsPlanInput {
  readonly name: string;
  readonly node: NodeView | undefined;
  readonly nls: NlsView | undefined;
  /** The spec of the init config named by --initconfig, or undefined when it does not exist. */
  readonly initConfig: NodeLocalStorageInitConfigSpec | undefined;
  /** Open-Local's UpdateNLS gate: keep existing specs in line with the init config. */
  readonly isUpdateEnabled: boolean;
}

export type NlsAction =
  | { readonly kind: 'create'; readonly spec: NodeLocalStorageSpec }
  | { readonly kind: 'update'; readonly spec: NodeLocalStorageSpec }
  | { readonly kind: 'delete' }
  | { readonly kind: 'invalid-config'; readonly message: string }
  | { readonly kind: 'none'; readonly reason: string };

export function planNls(input: NlsPlanInput): NlsAction {
  const { name, node, nls } = input;
  if (!node) return nls && !nls.isDeleting ? { kind: 'delete' } : { kind: 'none', reason: 'no Node and no NLS' };
  if (!input.initConfig) return { kind: 'none', reason: 'the init config does not exist' };
  if (nls?.isDeleting) return { kind: 'none', reason: 'the NLS is being deleted; it is recreated when it is gone' };
  const desired = desiredSpec(input.initConfig, { name, labels: node.labels });
  if ('message' in desired) return { kind: 'invalid-config', message: desired.message };
  if (!nls) return { kind: 'create', spec: desired.spec };
  return planUpdate(desired.spec, nls, input.isUpdateEnabled);
}

function desiredSpec(initConfig: NodeLocalStorageInitConfigSpec, node: NodeView): { spec: NodeLocalStorageSpec } | { message: string } {
  try {
    return { spec: initConfigToNodeSpec(initConfig, node) };
  } catch (error) {
    if (error instanceof InvalidSelectorError) return { message: error.message };
    throw error;
  }
}

function planUpdate(desired: NodeLocalStorageSpec, nls: NlsView, isUpdateEnabled: boolean): NlsAction {
  if (!isUpdateEnabled) return { kind: 'none', reason: 'updates are disabled (--no-update-nls)' };
  if (isSameJson(desired, nls.spec ?? {})) return { kind: 'none', reason: 'spec up to date' };
  return { kind: 'update', spec: desired };
}

/** Every name a full sweep must look at: each Node (create/update) and each NLS (delete orphans). */
export function sweepNames(nodeNames: Iterable<string>, nlsNames: Iterable<string>): string[] {
  return [...new Set([...nodeNames, ...nlsNames])].sort();
}
