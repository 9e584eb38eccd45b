// listConfig include/exclude filtering (Open-Local's FilterInfo), failing closed per list on invalid patterns.
import { InvalidPatternError } from './errors.js';
import type { FilterList, ListConfig, NodeStorageInfo } from './generated/nodelocalstorage.js';
import { compileGoRegexp, isWholeMatch, type GoRegexp } from './go-regexp.js';

/** Result of filtering one list: the kept names (in candidate order) and the patterns that did not compile. */
export interface FilterOutcome {
  kept: string[];
  errors: InvalidPatternError[];
}

interface Compiled {
  re: GoRegexp;
  field: string;
  pattern: string;
}

// Compiles what it can; `isComplete` is false when some pattern had to be left out.
function compileAll(patterns: readonly string[] | undefined, field: string, errors: InvalidPatternError[]): { compiled: Compiled[]; isComplete: boolean } {
  const compiled: Compiled[] = [];
  let isComplete = true;
  (patterns ?? []).forEach((pattern, index) => {
    try {
      compiled.push({ re: compileGoRegexp(pattern, `${field}[${index}]`), field: `${field}[${index}]`, pattern });
    } catch (error) {
      if (!(error instanceof InvalidPatternError)) throw error;
      errors.push(error);
      isComplete = false;
    }
  });
  return { compiled, isComplete };
}

/**
 * Keeps each candidate that some include pattern matches whole and no exclude pattern matches whole
 * (see {@link isWholeMatch}). No include patterns ⇒ nothing is kept, as in Open-Local. Duplicates and empty
 * names are dropped. Invalid patterns never throw; they are returned in `errors` and fail closed: a bad include
 * pattern selects nothing, a bad exclude pattern empties the whole list (its exclusion cannot be honoured).
 * @param field prefix for error fields, e.g. `listConfig.vgs`
 */
export function filterNames(candidates: readonly string[], filter: FilterList | undefined, field: string): FilterOutcome {
  const errors: InvalidPatternError[] = [];
  const includes = compileAll(filter?.include, `${field}.include`, errors).compiled;
  const { compiled: excludes, isComplete: hasAllExcludes } = compileAll(filter?.exclude, `${field}.exclude`, errors);
  if (!hasAllExcludes) return { kept: [], errors };
  const kept = new Set<string>();
  // Matching takes time linear in the name whatever the pattern (RE2 semantics), so no pattern can stall a pass.
  const matches = (entry: Compiled, candidate: string): boolean => isWholeMatch(entry.re, candidate);
  for (const candidate of candidates) {
    if (candidate === '' || kept.has(candidate)) continue;
    const isIncluded = includes.some((entry) => matches(entry, candidate));
    if (isIncluded && !excludes.some((entry) => matches(entry, candidate))) kept.add(candidate);
  }
  return { kept: [...kept], errors };
}

/** The three filtered name lists of `status.filteredStorageInfo`, plus every pattern error found. */
export interface FilteredNames {
  volumeGroups: string[];
  mountPoints: string[];
  devices: string[];
  errors: InvalidPatternError[];
}

/**
 * Applies a node's listConfig to what its agent discovered: VG names, mount point paths and device paths
 * (disks and partitions). Each list is filtered independently, so one bad pattern affects only its own list.
 */
export function filterStorageInfo(info: NodeStorageInfo | undefined, listConfig: ListConfig | undefined): FilteredNames {
  const vgs = filterNames((info?.volumeGroups ?? []).map((vg) => vg.name), listConfig?.vgs, 'listConfig.vgs');
  const mountPoints = filterNames((info?.mountPoints ?? []).map((mp) => mp.name ?? ''), listConfig?.mountPoints, 'listConfig.mountPoints');
  const devices = filterNames((info?.deviceInfo ?? []).map((d) => d.name ?? ''), listConfig?.devices, 'listConfig.devices');
  return {
    volumeGroups: vgs.kept,
    mountPoints: mountPoints.kept,
    devices: devices.kept,
    errors: [...vgs.errors, ...mountPoints.errors, ...devices.errors],
  };
}
