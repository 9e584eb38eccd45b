// Command-line numbers of the benchmarks (e2e/bench and the packages' bench/ scripts): one rule and one message,
// so a bad flag reads the same whichever benchmark refuses it.

/** `raw` as an integer from `min` to `max`; otherwise an error naming the flag and the value. */
export function integerFlag(name: string, raw: string | undefined, [min, max]: readonly [number, number]): number {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new Error(`--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return value;
}
