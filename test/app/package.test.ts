import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';

const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

describe('the package', () => {
  it('compiles without source maps, whose lib/*.ts sources the package does not ship', () => {
    // Stack traces in an installed package then point to build/*.js, which it ships.
    expect(pkg.jsii.tsc.inlineSourceMap).toBe(false);
    expect(pkg.jsii.tsc.sourceMap).toBeUndefined();
    expect(pkg.files.some((f: string) => f.startsWith('lib/'))).toBe(false);
  });

  it.skipIf(!fs.existsSync(path.join(root, 'build', 'index.js')))('has no source map in the built JavaScript', () => {
    const files = (fs.readdirSync(path.join(root, 'build'), { recursive: true }) as string[]).filter((f) => f.endsWith('.js'));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) expect(fs.readFileSync(path.join(root, 'build', f), 'utf8'), f).not.toContain('sourceMappingURL');
  });
});
