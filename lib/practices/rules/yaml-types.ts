/**
 * Words for a value of the wrong YAML type where a string belongs: YAML 1.1 reads an unquoted
 * `yes`, `no`, `on`, `off`, `true` or `false` as a boolean and `1.4`, `0755` or `1e3` as a
 * number, so a name, an image or a quantity written bare arrives as something else.
 */
import { unquotedYamlReading } from '../../core/yaml-words';

/**
 * How a non-string value reads, with the likely cause, e.g. `the boolean true (YAML 1.1 reads an
 * unquoted y, yes, on or true as true: quote it)` (`unquotedYamlReading`). Undefined for strings.
 */
export function notAString(value: unknown): string | undefined {
  if (typeof value === 'string') return undefined;
  if (typeof value === 'boolean' || typeof value === 'number') return `the ${typeof value} ${value} (${unquotedYamlReading(value)})`;
  if (value === null) return 'null (an empty value in YAML; give a string)';
  return `${Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a map' : typeof value}, not a string`;
}
