import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import * as lib from '../../lib';

// The README's examples are compiled by jsii-rosetta (for the other languages' READMEs) with
// rosetta/default.ts-fixture around them: an example may use any class or enum of the library
// without importing it, so the fixture must import every one, or the Python build fails.
describe('rosetta fixture', () => {
  it('imports every class and enum the library exports', () => {
    const fixture = fs.readFileSync(path.join(__dirname, '../../rosetta/default.ts-fixture'), 'utf8');
    const block = fixture.match(/import \{([^}]*)\} from 'cdk8s-guardrails';/)![1];
    const imported = new Set(block.split(',').map((s) => s.trim()).filter(Boolean));
    const exported = Object.entries(lib)
      .filter(([name, value]) => /^[A-Z][a-z]/.test(name) && (typeof value === 'function' || (typeof value === 'object' && value !== null)))
      .map(([name]) => name);
    expect(exported.filter((name) => !imported.has(name))).toEqual([]);
  });
});
