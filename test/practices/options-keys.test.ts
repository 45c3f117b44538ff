import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { OPTION_KEYS } from '../../lib/practices/options';

// The misspelling check knows the options by name: every property declared on
// CheckSettings and GuardrailsOptions must be in its list, and nothing else.
describe('enforce options', () => {
  it('OPTION_KEYS lists exactly the properties of CheckSettings and GuardrailsOptions', () => {
    const src = fs.readFileSync(path.join(__dirname, '../../lib/practices/types.ts'), 'utf8');
    const declared: string[] = [];
    for (const name of ['CheckSettings', 'GuardrailsOptions']) {
      const body = src.match(new RegExp(`export interface ${name}\\b[^{]*\\{([\\s\\S]*?)\\n\\}`))![1];
      for (const m of body.matchAll(/^\s*readonly (\w+)\??:/gm)) declared.push(m[1]);
    }
    expect([...OPTION_KEYS].sort()).toEqual(declared.sort());
  });
});
