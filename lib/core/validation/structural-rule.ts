import type { SchemaFindings } from './schema';

/**
 * A rule of one OpenAPI definition: `v` is the object where the definition appears, `field`
 * its path in the whole object ('' at the top), `f` where findings go.
 */
export type DefinitionRule = (v: { [key: string]: any }, field: string, f: SchemaFindings) => void;

/** Rules of several tables by definition; a definition in more than one runs each rule in turn. */
export function mergeRules(...tables: ReadonlyArray<{ readonly [definition: string]: DefinitionRule }>): { [definition: string]: DefinitionRule } {
  const out: { [definition: string]: DefinitionRule } = {};
  for (const table of tables) {
    for (const [name, rule] of Object.entries(table)) {
      const before = out[name];
      out[name] = before ? (v, field, f) => { before(v, field, f); rule(v, field, f); } : rule;
    }
  }
  return out;
}
