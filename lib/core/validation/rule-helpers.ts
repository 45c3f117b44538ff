/**
 * Small helpers of the rules by definition (structural.ts and the *-semantics.ts files): a
 * field's path, whether a value is given, a value as a list or as a message shows it, and a list
 * of allowed values as a message says it.
 */

/** The path of `key` inside the object at `field` ('' at the top). */
export const at = (field: string, key: string): string => (field === '' ? key : `${field}.${key}`);
/** Set: neither left out nor null (the API server decodes null as unset). */
export const given = (x: unknown): boolean => x !== undefined && x !== null;
export const isObject = (x: unknown): x is { [key: string]: any } => typeof x === 'object' && x !== null && !Array.isArray(x);
/** `x` when it is a list, else an empty one (a wrong type is the structural check's finding). */
export const list = (x: unknown): any[] => (Array.isArray(x) ? x : []);
/** A value as a message shows it (JSON; `unset` when left out). */
export const show = (x: unknown): string => JSON.stringify(x) ?? 'unset';
/** Unset, null or "": what the API server's `len(x) == 0` takes as missing. */
export const blank = (x: unknown): boolean => !given(x) || x === '';
/** Allowed values as a message lists them: `"A", "B" or "C"`. */
export function oneOfText(values: readonly string[]): string {
  const quoted = values.map((v) => JSON.stringify(v));
  return quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}
