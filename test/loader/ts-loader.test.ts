import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { root, runOk, tempDir } from './helpers';

const loader = createRequire(__filename)(path.join(root, 'bin', 'ts-loader.js')) as {
  emitOptions(tsconfig: string | undefined): Record<string, unknown>;
  cacheDirFor(dir: string): string | undefined;
};

describe('emitOptions', () => {
  it('reads JSON with comments and trailing commas, and follows extends (paths and packages)', () => {
    const dir = tempDir('tsconfig');
    fs.mkdirSync(path.join(dir, 'node_modules', '@acme', 'tsconfig'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'node_modules', '@acme', 'tsconfig', 'tsconfig.json'),
      '{ "compilerOptions": { "target": "ES2017", "experimentalDecorators": true, "strict": true } }');
    fs.writeFileSync(path.join(dir, 'base.json'), [
      '{',
      '  // the team\'s base',
      '  "extends": "@acme/tsconfig",',
      '  "compilerOptions": { "target": "ES2020", "noImplicitAny": true, "jsxFactory": "h", },',
      '}',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), [
      '{',
      '  "extends": "./base", /* no .json */',
      '  "compilerOptions": { "useDefineForClassFields": false, "outDir": "lib // not a comment" },',
      '}',
    ].join('\n'));
    expect(loader.emitOptions(path.join(dir, 'tsconfig.json'))).toEqual({
      target: 'ES2020',
      experimentalDecorators: true,
      strict: true,
      jsxFactory: 'h',
      useDefineForClassFields: false,
    });
  });

  it('without a tsconfig.json: the options ts-node uses then', () => {
    expect(loader.emitOptions(undefined)).toEqual({ target: 'es2022', esModuleInterop: true, strict: true });
  });

  it('refuses an extends loop', () => {
    const dir = tempDir('tsconfig-loop');
    fs.writeFileSync(path.join(dir, 'a.json'), '{ "extends": "./b.json" }');
    fs.writeFileSync(path.join(dir, 'b.json'), '{ "extends": "./a.json" }');
    expect(() => loader.emitOptions(path.join(dir, 'a.json'))).toThrow(`${path.join(dir, 'a.json')}: "extends" loops back to this file`);
  });
});

describe('caches', () => {
  it('live in node_modules/.cache/cdk8s-guardrails of the nearest directory with node_modules', () => {
    const dir = tempDir('project');
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.mkdirSync(path.join(dir, 'src', 'app'), { recursive: true });
    const saved = process.env.GUARDRAILS_TS_CACHE;
    delete process.env.GUARDRAILS_TS_CACHE;
    try {
      expect(loader.cacheDirFor(path.join(dir, 'src', 'app'))).toBe(path.join(dir, 'node_modules', '.cache', 'cdk8s-guardrails'));
      process.env.GUARDRAILS_TS_CACHE = path.join(dir, 'elsewhere');
      expect(loader.cacheDirFor(path.join(dir, 'src', 'app'))).toBe(path.join(dir, 'elsewhere'));
    } finally {
      if (saved === undefined) delete process.env.GUARDRAILS_TS_CACHE;
      else process.env.GUARDRAILS_TS_CACHE = saved;
    }
  });

  // A run whose files are all cached loads no transpiler, and a changed file is transpiled again.
  for (const transpiler of ['esbuild', 'typescript']) {
    it(`a warm run never loads ${transpiler}; a changed file is transpiled again`, () => {
      const dir = tempDir('warm');
      const cache = path.join(dir, 'cache');
      fs.writeFileSync(path.join(dir, 'a.ts'), "import { b } from './b';\nexport const a: string = `a${b}`;\n");
      fs.writeFileSync(path.join(dir, 'b.ts'), 'export const b: number = 1;\n');
      const script = [
        `const loader = require(${JSON.stringify(path.join(root, 'bin', 'ts-loader.js'))});`,
        `loader.enableCodeCache({ cacheDir: ${JSON.stringify(cache)} });`,
        `loader.register({ entry: ${JSON.stringify(path.join(dir, 'a.ts'))}, transpiler: ${JSON.stringify(transpiler)}, cacheDir: ${JSON.stringify(cache)} });`,
        `const { a } = require(${JSON.stringify(path.join(dir, 'a.ts'))});`,
        "const loaded = Object.keys(require.cache).filter((f) => /node_modules[\\\\/](esbuild|typescript)[\\\\/]/.test(f)).length > 0;",
        'console.log(JSON.stringify({ a, loaded }));',
      ].join('\n');
      const once = () => JSON.parse(runOk(process.execPath, ['-e', script]).stdout);
      expect(once()).toEqual({ a: 'a1', loaded: true });
      expect(fs.readdirSync(path.join(cache, 'ts'))).toHaveLength(2);
      expect(fs.readdirSync(cache).filter((d) => d.startsWith('v8-'))).toHaveLength(1);
      expect(once()).toEqual({ a: 'a1', loaded: false });
      fs.writeFileSync(path.join(dir, 'b.ts'), 'export const b: number = 2;\n');
      expect(once()).toEqual({ a: 'a2', loaded: true });
      expect(fs.readdirSync(path.join(cache, 'ts'))).toHaveLength(3);
    }, 60_000);
  }
});

describe('emit options reach both transpilers', () => {
  // A field without initializer is an own property only with [[Define]] semantics, which
  // target ES2022 turns on (as tsc and ts-node do) unless useDefineForClassFields says otherwise.
  const cases: Array<[string, string[]]> = [
    ['{ "compilerOptions": { "target": "ES2020" } }', []],
    ['{ "compilerOptions": { "target": "ES2022" } }', ['replicas']],
    ['{ "compilerOptions": { "target": "ES2022", "useDefineForClassFields": false } }', []],
  ];
  for (const transpiler of ['esbuild', 'typescript']) {
    it(`class fields follow tsconfig.json (${transpiler})`, () => {
      for (const [tsconfig, keys] of cases) {
        const dir = tempDir('fields');
        fs.writeFileSync(path.join(dir, 'tsconfig.json'), tsconfig);
        fs.writeFileSync(path.join(dir, 'main.ts'), 'class Props { replicas!: number }\nconsole.log(JSON.stringify(Object.keys(new Props())));\n');
        const r = runOk(process.execPath, [path.join(root, 'bin', 'cdk8s-guardrails.js'), 'synth', 'main.ts', '--transpiler', transpiler, '--no-cache'], { cwd: dir });
        expect([tsconfig, JSON.parse(r.stdout)]).toEqual([tsconfig, keys]);
      }
    }, 60_000);
  }
});

