// Kubernetes resource quantities ("10Gi", "500M", "1.5e3") to whole bytes, and bytes back to a short label
// for fail reasons. Until @openlocal/crd-types exports its quantity helper this small copy serves the extender.

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const QUANTITY = /^([+]?[0-9]*\.?[0-9]+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)|[eE]([+-]?[0-9]+))?$/;

/** Whole bytes of a quantity (fractions round up, as Kubernetes does for storage), or undefined if invalid. */
export function quantityToBytes(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  const match = QUANTITY.exec(value.trim());
  if (match === null) return undefined;
  const [, digits = '', suffix = '', exponent] = match;
  const multiplier = exponent === undefined ? (BINARY[suffix] ?? DECIMAL[suffix] ?? 1) : 10 ** Number(exponent);
  const bytes = Math.ceil(Number(digits) * multiplier - 1e-9);
  return Number.isSafeInteger(bytes) && bytes >= 0 ? bytes : undefined;
}

const UNITS: readonly [string, number][] = [
  ['Ti', 2 ** 40],
  ['Gi', 2 ** 30],
  ['Mi', 2 ** 20],
  ['Ki', 2 ** 10],
];

/** "10Gi", "1536Mi", "1.5Ti"→"1536Gi": the largest binary unit that divides exactly, else bytes. */
export function bytesToQuantity(bytes: number): string {
  if (bytes === 0) return '0';
  for (const [unit, size] of UNITS) {
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}
