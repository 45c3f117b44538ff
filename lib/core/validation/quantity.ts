/**
 * Kubernetes quantities as numbers, without cdk8s (the checker runs where only the library's
 * own code is installed).
 */

/** Binary and decimal SI suffixes of a quantity, as multipliers. */
export const BINARY: { [suffix: string]: number } = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
export const DECIMAL: { [suffix: string]: number } = { n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/**
 * Parses a Kubernetes quantity ("250m", "0.5", "128Mi", "1G", "1e3") into its value in
 * base units (cores, bytes, counts). NaN when the text is not a quantity.
 */
export function parseQuantity(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return NaN;
  const exp = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))[eE]([+-]?\d+)$/.exec(value);
  if (exp) return parseFloat(exp[1]) * 10 ** parseInt(exp[2], 10);
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/.exec(value);
  if (!m) return NaN;
  const n = parseFloat(m[1]);
  if (!m[2]) return n;
  return n * (BINARY[m[2]] ?? DECIMAL[m[2]]);
}
