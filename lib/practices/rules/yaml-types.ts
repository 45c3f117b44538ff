/**
 * Words for a value of the wrong YAML type where a string belongs: YAML 1.1 reads an unquoted
 * `yes`, `no`, `on`, `off`, `true` or `false` as a boolean and `1.4`, `0755` or `1e3` as a
 * number, so a name, an image or a quantity written bare arrives as something else.
 */

/**
 * How a non-string value reads, with the likely cause, e.g. `the boolean true (YAML reads an
 * unquoted yes, no, on, off, true or false as a boolean; quote it)`. Undefined for strings.
 */
export function notAString(value: unknown): string | undefined {
  if (typeof value === 'string') return undefined;
  if (typeof value === 'boolean') return `the boolean ${value} (YAML reads an unquoted yes, no, on, off, true or false as a boolean; quote it)`;
  if (typeof value === 'number') return `the number ${value} (YAML reads an unquoted number as a number; quote it)`;
  if (value === null) return 'null (an empty value in YAML; give a string)';
  return `${Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a map' : typeof value}, not a string`;
}
