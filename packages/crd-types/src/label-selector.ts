// Kubernetes label-selector matching with LabelSelectorAsSelector's rules: nil matches nothing, {} everything.
import { InvalidSelectorError } from './errors.js';
import type { LabelSelector, LabelSelectorRequirement } from './generated/nodelocalstorageinitconfig.js';

/** Node labels as found in `metadata.labels`. */
export type Labels = Readonly<Record<string, string>>;

function checkRequirement(req: LabelSelectorRequirement, field: string): void {
  if (typeof req.key !== 'string' || req.key === '') throw new InvalidSelectorError(`${field}.key`, req.key, 'key must be a non-empty string');
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) throw new InvalidSelectorError(`${field}.values`, req.values, `operator ${req.operator} needs at least one value`);
      return;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) throw new InvalidSelectorError(`${field}.values`, req.values, `operator ${req.operator} takes no values`);
      return;
    default:
      throw new InvalidSelectorError(`${field}.operator`, (req as { operator: unknown }).operator, 'operator must be one of In, NotIn, Exists, DoesNotExist');
  }
}

function requirementMatches(req: LabelSelectorRequirement, labels: Labels): boolean {
  const has = Object.hasOwn(labels, req.key);
  const isListed = has && (req.values ?? []).includes(labels[req.key] ?? '');
  switch (req.operator) {
    case 'In':
      return isListed;
    case 'NotIn':
      return !isListed;
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

/**
 * Whether a label selector selects an object with these labels. `undefined`/`null` selects nothing and `{}`
 * selects everything, as in Kubernetes' LabelSelectorAsSelector; matchLabels and matchExpressions are ANDed.
 * The whole selector is checked before any label is looked at, so a bad selector fails for every node alike.
 * @param field where the selector is, for errors (e.g. `spec.nodesConfig[1].selector`)
 * @throws {InvalidSelectorError} for an unknown operator or values that contradict the operator
 */
export function matchesLabelSelector(selector: LabelSelector | null | undefined, labels: Labels, field = 'selector'): boolean {
  if (selector === undefined || selector === null) return false;
  const expressions = selector.matchExpressions ?? [];
  expressions.forEach((req, i) => checkRequirement(req, `${field}.matchExpressions[${i}]`));
  const labelsMatch = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => Object.hasOwn(labels, key) && labels[key] === value);
  return labelsMatch && expressions.every((req) => requirementMatches(req, labels));
}
