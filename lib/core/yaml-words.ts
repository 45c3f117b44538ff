/**
 * Why a value arrived as a boolean or a number where a string belongs, and the fix: YAML 1.1
 * (kubectl, Helm) reads an unquoted `y`, `yes`, `on` or `true` (and their opposites) as a
 * boolean and an unquoted `8080`, `1.4` or `0755` as a number. One wording for every message
 * that says so (the reader, api-valid, the rules).
 */
export function unquotedYamlReading(value: unknown): string | undefined {
  if (typeof value === 'boolean') return `YAML 1.1 reads an unquoted ${value ? 'y, yes, on or true' : 'n, no, off or false'} as ${value}: quote it`;
  if (typeof value === 'number') return 'YAML reads an unquoted number as a number: quote it';
  return undefined;
}
