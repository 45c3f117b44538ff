import * as fs from 'fs';
import * as path from 'path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bin, readTree, root, run, tempDir, tsNodeSynth } from './helpers';

const TRANSPILERS = ['esbuild', 'typescript'];
// As `cdk8s init` writes it: CommonJS, no esModuleInterop.
const CDK8S_INIT_TSCONFIG = '{ "compilerOptions": { "target": "ES2017", "module": "CommonJS", "strict": true, "resolveJsonModule": true } }\n';

/** A project folder with its own node_modules (links to this repository's packages, plus `extra`). */
function project(files: Record<string, string>): string {
  const dir = tempDir('kinds');
  for (const name of ['cdk8s', 'constructs', 'esbuild', '@esbuild', 'typescript']) {
    fs.mkdirSync(path.dirname(path.join(dir, 'node_modules', name)), { recursive: true });
    fs.symlinkSync(path.join(root, 'node_modules', name), path.join(dir, 'node_modules', name));
  }
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

/** An app that writes one ConfigMap with `data` (a TypeScript expression) to chart "c". */
const configMapApp = (imports: string, data: string) => [
  "import { App, Chart, ApiObject } from 'cdk8s';",
  imports,
  'const app = new App();',
  `new ApiObject(new Chart(app, 'c'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', data: ${data} });`,
  'app.synth();',
  '',
].join('\n');

/** The ConfigMap that configMapApp writes, with `data` lines. */
const configMap = (...data: string[]) => ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: c-cm-c808fc05', 'data:', ...data.map((l) => `  ${l}`), ''].join('\n');

function synth(dir: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return run(process.execPath, [bin, 'synth', ...args], { cwd: dir, env: { GUARDRAILS_TS_CACHE: path.join(dir, '.cache'), ...env } });
}

describe('ES modules are loaded by Node, not compiled as CommonJS by the code cache', () => {
  let dir: string;
  beforeAll(() => {
    dir = project({
      'node_modules/esm-only/package.json': '{ "name": "esm-only", "version": "1.0.0", "type": "module", "exports": "./index.js" }\n',
      'node_modules/esm-only/index.js': "export const tag = 'from-esm';\n",
      'lib/x.mjs': 'export const replicas = 3;\n',
      'tsconfig.json': CDK8S_INIT_TSCONFIG,
      'require-esm.ts': configMapApp("import { tag } from 'esm-only';", '{ tag }'),
      'import-mjs.ts': [
        "import { App, Chart, ApiObject } from 'cdk8s';",
        'async function main(): Promise<void> {',
        "  const { replicas } = await import('./lib/x.mjs');",
        '  const app = new App();',
        "  new ApiObject(new Chart(app, 'c'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', data: { replicas: String(replicas) } });",
        '  app.synth();',
        '}',
        'main();',
        '',
      ].join('\n'),
    });
  });

  for (const transpiler of TRANSPILERS) {
    it(`require() of an ESM-only package and await import() of a .mjs file (${transpiler}, cold and warm)`, () => {
      for (let i = 0; i < 2; i++) {
        const esm = synth(dir, ['require-esm.ts', '--stdout', '--transpiler', transpiler]);
        expect(esm.stderr).toBe('');
        expect(esm.stdout).toBe(configMap('tag: from-esm'));
        const mjs = synth(dir, ['import-mjs.ts', '--stdout', '--transpiler', transpiler]);
        expect(mjs.stderr).toBe('');
        expect(mjs.stdout).toBe(configMap('replicas: "3"'));
      }
      // CommonJS modules (cdk8s) are still in the code cache.
      const v8 = fs.readdirSync(path.join(dir, '.cache')).find((d) => d.startsWith('v8-'));
      expect(fs.readdirSync(path.join(dir, '.cache', v8!)).length).toBeGreaterThan(10);
    }, 60_000);
  }
});

describe('esbuild follows the tsconfig\'s interop, as typescript and ts-node do', () => {
  const files = {
    'lib/fn.js': "module.exports = function suffix() { return 'from-cjs-function'; };\n",
    'lib/fn.d.ts': 'declare function suffix(): string;\ndeclare namespace suffix {}\nexport = suffix;\n',
    'lib/data.json': '{ "image": "ghcr.io/acme/json:2.0.0" }\n',
    'namespace-call.ts': configMapApp("import * as suffix from './lib/fn';", '{ s: suffix() }'),
    'json-default.ts': configMapApp("import data from './lib/data.json';", '{ json: JSON.stringify(data) ?? "undefined" }'),
  };

  it('without esModuleInterop (cdk8s init): a namespace import of `export =` is the function, a default import of JSON is undefined', () => {
    const dir = project({ ...files, 'tsconfig.json': CDK8S_INIT_TSCONFIG });
    const tsconfig = path.join(dir, 'tsconfig.json');
    expect(tsNodeSynth(path.join(dir, 'namespace-call.ts'), { project: tsconfig })['c.k8s.yaml']).toBe(configMap('s: from-cjs-function'));
    expect(tsNodeSynth(path.join(dir, 'json-default.ts'), { project: tsconfig })['c.k8s.yaml']).toBe(configMap('json: undefined'));
    for (const transpiler of TRANSPILERS) {
      expect(synth(dir, ['namespace-call.ts', '--stdout', '--transpiler', transpiler]).stdout).toBe(configMap('s: from-cjs-function'));
      expect(synth(dir, ['json-default.ts', '--stdout', '--transpiler', transpiler]).stdout).toBe(configMap('json: undefined'));
    }
  }, 120_000);

  it('with esModuleInterop: a default import of JSON is its value', () => {
    const dir = project({ ...files, 'tsconfig.json': '{ "compilerOptions": { "target": "ES2017", "module": "CommonJS", "esModuleInterop": true, "resolveJsonModule": true } }\n' });
    const value = configMap('json: \'{"image":"ghcr.io/acme/json:2.0.0"}\'');
    expect(tsNodeSynth(path.join(dir, 'json-default.ts'), { project: path.join(dir, 'tsconfig.json') })['c.k8s.yaml']).toBe(value);
    for (const transpiler of TRANSPILERS) {
      expect(synth(dir, ['json-default.ts', '--stdout', '--transpiler', transpiler]).stdout).toBe(value);
    }
  }, 120_000);
});

describe('--output never removes what no app wrote', () => {
  const app = configMapApp('', '{ a: "b" }');

  it('refuses the current folder, a folder holding the app or its project, and a folder with other files', () => {
    const dir = project({ 'package.json': '{ "name": "p" }\n', 'src/main.ts': app, 'dist/notes.txt': 'mine\n', 'dist/old.k8s.yaml': 'old\n' });
    const before = readTree(dir);
    const cases: Array<[string, string[], string]> = [
      [dir, ['src/main.ts', '--output', '.'], '--output "." is the current folder or contains it, and synth empties its output folder first: give a folder of its own, e.g. --output dist'],
      [path.join(dir, 'src'), ['main.ts', '--output', '..'], '--output ".." is the current folder or contains it, and synth empties its output folder first: give a folder of its own, e.g. --output dist'],
      [dir, ['src/main.ts', '--output', 'src'], '--output "src" contains the app (src/main.ts) or its project, and synth empties its output folder first: give a folder of its own, e.g. --output dist'],
      [path.join(dir, 'dist'), ['../src/main.ts', '--output', path.dirname(dir)], `--output ${JSON.stringify(path.dirname(dir))} is the current folder or contains it, and synth empties its output folder first: give a folder of its own, e.g. --output dist`],
      [dir, ['src/main.ts', '--output', 'dist'], '--output "dist" holds dist/notes.txt, which no app wrote (synth removes only manifests, .yaml files): give a folder of its own, e.g. --output dist, or move that file away'],
    ];
    for (const [cwd, args, message] of cases) {
      const r = synth(cwd, args, { GUARDRAILS_TS_CACHE: tempDir('cache') });
      expect(r.stderr).toBe(`cdk8s-guardrails synth: ${message}\n`);
      expect(r.status).toBe(2);
    }
    expect(readTree(dir)).toEqual(before);
  });

  it('removes the manifests an earlier run wrote, in subfolders too, and writes the new ones', () => {
    const dir = project({ 'main.ts': app, 'out/old.k8s.yaml': 'old\n', 'out/chart/x.yaml': 'x\n', 'out/construct-metadata.json': '{}' });
    const r = synth(dir, ['main.ts', '--output', 'out']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readTree(path.join(dir, 'out'))).toEqual({ 'c.k8s.yaml': configMap('a: b') });
  });
});

describe('--stdout', () => {
  let dir: string;
  beforeAll(() => {
    const synthAndThen = (after: string) => configMapApp('', '{ a: "b" }').replace('app.synth();', `app.synth();\n${after}`);
    dir = project({
      'tsconfig.json': CDK8S_INIT_TSCONFIG,
      'exit0.ts': synthAndThen('process.exit(0);'),
      'exit3.ts': synthAndThen('process.exit(3);'),
      'exitcode.ts': synthAndThen('process.exitCode = 4;'),
      'later.ts': [
        "import { App, Chart, ApiObject } from 'cdk8s';",
        'async function main(): Promise<void> {',
        '  await new Promise((resolve) => setTimeout(resolve, 5));',
        "  console.log('synthesizing');",
        '  const app = new App();',
        "  new ApiObject(new Chart(app, 'c'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'b' } });",
        '  app.synth();',
        "  console.log('synthesized 1 chart');",
        '}',
        'main();',
        '',
      ].join('\n'),
      'throws-later.ts': [
        'interface Thing { readonly name: string }',
        '',
        'async function main(): Promise<void> {',
        '  await new Promise((resolve) => setTimeout(resolve, 1));',
        "  const thing: Thing = { name: 'x' };",
        '  throw new Error(`late ${thing.name}`);',
        '}',
        'main();',
        '',
      ].join('\n'),
      'handles.ts': [
        "process.on('uncaughtException', (e: Error) => { console.error(`the app handled: ${e.message}`); });",
        "setTimeout(() => { throw new Error('late'); }, 1);",
        '',
      ].join('\n'),
    });
  });

  /** Runs with a temporary folder of its own, which must be empty again at the end. */
  const synthStdout = (file: string) => {
    const tmp = tempDir('tmp');
    const r = synth(dir, [file, '--stdout'], { TMPDIR: tmp });
    expect(fs.readdirSync(tmp)).toEqual([]);
    return r;
  };

  it('prints the manifests when the app ends with process.exit(0)', () => {
    const r = synthStdout('exit0.ts');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(configMap('a: b'));
    expect(r.status).toBe(0);
  });

  it('prints nothing when the app exits with a failure, and keeps its status', () => {
    for (const [file, status] of [['exit3.ts', 3], ['exitcode.ts', 4]] as const) {
      const r = synthStdout(file);
      expect(r.stdout).toBe('');
      expect(r.status).toBe(status);
    }
  });

  it('sends what an app prints after an await to stderr: stdout is the manifests only', () => {
    const r = synthStdout('later.ts');
    expect(r.stdout).toBe(configMap('a: b'));
    expect(r.stderr).toBe('synthesizing\nsynthesized 1 chart\n');
    expect(r.status).toBe(0);
  });

  for (const transpiler of TRANSPILERS) {
    it(`an error thrown later is printed with TypeScript lines and no source excerpt (${transpiler})`, () => {
      const tmp = tempDir('tmp');
      const r = synth(dir, ['throws-later.ts', '--stdout', '--transpiler', transpiler], { TMPDIR: tmp });
      expect(fs.readdirSync(tmp)).toEqual([]);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`Error: late x\n    at main (${path.join(dir, 'throws-later.ts')}:6:9)\n`);
    }, 60_000);
  }

  it('an app that handles its own uncaught errors keeps doing so', () => {
    const r = synth(dir, ['handles.ts']);
    expect(r.stderr).toBe('the app handled: late\n');
    expect(r.status).toBe(0);
  });
});

describe('the code cache', () => {
  it('serves the new code of a package file replaced with the same size and mtime (tar x, cp -p, rsync -a)', () => {
    const dir = project({
      'node_modules/pinned/package.json': '{ "name": "pinned", "version": "1.0.0" }\n',
      'node_modules/pinned/index.js': "exports.version = 'aaaa';\n",
      'main.ts': configMapApp("import { version } from 'pinned';", '{ version }'),
    });
    const file = path.join(dir, 'node_modules', 'pinned', 'index.js');
    const mtime = 1_700_000_000; // whole seconds: the same mtimeMs after utimes
    fs.utimesSync(file, mtime, mtime);
    expect(synth(dir, ['main.ts', '--stdout']).stdout).toBe(configMap('version: aaaa'));
    expect(synth(dir, ['main.ts', '--stdout']).stdout).toBe(configMap('version: aaaa'));
    fs.writeFileSync(file, "exports.version = 'bbbb';\n");
    fs.utimesSync(file, mtime, mtime);
    expect(fs.statSync(file).mtimeMs).toBe(mtime * 1000);
    expect(synth(dir, ['main.ts', '--stdout']).stdout).toBe(configMap('version: bbbb'));
  }, 60_000);

  it('keeps the columns of line 1 of a JavaScript file (no module wrapper in them), cold and warm', () => {
    const dir = project({
      'lib/throw1.js': "exports.f = function () { throw new Error('line 1, column 33'); };\n",
      'main.ts': "import { f } from './lib/throw1';\nf();\n",
    });
    for (let i = 0; i < 2; i++) {
      const r = synth(dir, ['main.ts']);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(`Error: line 1, column 33\n    at exports.f (${path.join(dir, 'lib', 'throw1.js')}:1:33)\n    at Object.<anonymous> (${path.join(dir, 'main.ts')}:2:1)\n`);
    }
  }, 60_000);
});

describe('compile errors are short and give the source position', () => {
  it('esbuild: file:line:column, the line and a caret; typescript: its diagnostic', () => {
    const dir = project({ 'broken.ts': 'const x: number = ;\n' });
    const esbuild = synth(dir, ['broken.ts', '--transpiler', 'esbuild', '--no-cache']);
    expect(esbuild.status).toBe(1);
    expect(esbuild.stderr).toBe(`SyntaxError: ${path.join(dir, 'broken.ts')}:1:19: Unexpected ";"\n    const x: number = ;\n                      ^\n`);
    const typescript = synth(dir, ['broken.ts', '--transpiler', 'typescript', '--no-cache']);
    expect(typescript.status).toBe(1);
    expect(typescript.stderr).toBe('SyntaxError: Unable to compile TypeScript:\nbroken.ts(1,19): error TS1109: Expression expected.\n');
  }, 60_000);
});
