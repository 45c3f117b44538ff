import * as fs from 'fs';
import * as path from 'path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bin, readTree, root, run, runOk, stdoutOf, tempDir, tsNodeSynth } from './helpers';

const project = path.join(root, 'tsconfig.dev.json');
const cdk8sCli = path.join(root, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
const EXAMPLES = ['shop', 'stress'];
const TRANSPILERS = ['esbuild', 'typescript'];

/** `cdk8s-guardrails synth` of a repository example into a fresh directory; returns the files. */
function synth(example: string, transpiler: string, cache: string): Record<string, string> {
  const outdir = tempDir('synth');
  runOk(process.execPath, [bin, 'synth', path.join(root, 'examples', example, 'main.ts'), '--transpiler', transpiler, '--project', project], {
    env: { CDK8S_OUTDIR: outdir, GUARDRAILS_TS_CACHE: cache },
  });
  return readTree(outdir);
}

describe('cdk8s-guardrails synth: the examples, byte-identical to ts-node', () => {
  const reference: Record<string, Record<string, string>> = {};
  beforeAll(() => {
    for (const example of EXAMPLES) reference[example] = tsNodeSynth(path.join(root, 'examples', example, 'main.ts'), { project });
  }, 300_000);

  for (const example of EXAMPLES) {
    for (const transpiler of TRANSPILERS) {
      it(`examples/${example} with ${transpiler}, cold and warm caches`, () => {
        expect(Object.keys(reference[example]).length).toBeGreaterThan(0);
        const cache = tempDir('cache');
        expect(synth(example, transpiler, cache)).toEqual(reference[example]);
        expect(fs.readdirSync(path.join(cache, 'ts')).length).toBeGreaterThan(0);
        expect(synth(example, transpiler, cache)).toEqual(reference[example]);
      }, 120_000);
    }
  }
});

describe('cdk8s-guardrails synth under cdk8s synth', () => {
  let dir: string;
  let reference: Record<string, string>;
  beforeAll(() => {
    dir = tempDir('cdk8s-yaml');
    const app = `node ${JSON.stringify(bin)} synth ${JSON.stringify(path.join(root, 'examples', 'shop', 'main.ts'))} --project ${JSON.stringify(project)}`;
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), `language: typescript\napp: ${app}\n`);
    reference = tsNodeSynth(path.join(root, 'examples', 'shop', 'main.ts'), { project });
  }, 300_000);

  it('writes the files of the output directory (CDK8S_OUTDIR)', () => {
    const r = runOk(process.execPath, [cdk8sCli, 'synth', '--no-check-upgrade', '--output', 'out'], { cwd: dir, env: { GUARDRAILS_TS_CACHE: path.join(dir, '.cache') } });
    expect(r.stdout).toContain('Synthesizing application');
    expect(readTree(path.join(dir, 'out'))).toEqual(reference);
  }, 120_000);

  it('prints the manifests with --stdout, byte for byte', () => {
    const r = runOk(process.execPath, [cdk8sCli, 'synth', '--no-check-upgrade', '--stdout'], { cwd: dir, env: { GUARDRAILS_TS_CACHE: path.join(dir, '.cache') } });
    const outdir = tempDir('ref');
    for (const [file, text] of Object.entries(reference)) {
      fs.mkdirSync(path.dirname(path.join(outdir, file)), { recursive: true });
      fs.writeFileSync(path.join(outdir, file), text);
    }
    expect(r.stdout.length).toBeGreaterThan(0);
    expect(r.stdout).toBe(stdoutOf(outdir));
  }, 120_000);
});

describe('cdk8s-guardrails synth on its own', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('app');
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
    fs.writeFileSync(path.join(dir, 'main.ts'), [
      "import { App, Chart, ApiObject } from 'cdk8s';",
      'interface Settings { readonly replicas: number }',
      'const settings: Settings = { replicas: 2 };',
      "console.log(`the app says hello (main module: ${require.main === module}, ${__filename})`);",
      'const app = new App();',
      "for (const name of ['a', 'b']) {",
      '  const chart = new Chart(app, name);',
      "  new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { replicas: String(settings.replicas), args: process.argv.slice(2).join(' ') } });",
      '}',
      'app.synth();',
      '',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), '{ "compilerOptions": { "target": "ES2020", /* a comment */ "strict": true, }, }\n');
  });

  const synthIn = (args: string[]) => run(process.execPath, [bin, 'synth', ...args], { cwd: dir, env: { GUARDRAILS_TS_CACHE: path.join(dir, '.cache') } });

  it('--output writes there (emptied first), and the app gets the arguments after --', () => {
    fs.mkdirSync(path.join(dir, 'out'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'out', 'stale.k8s.yaml'), 'stale');
    const r = synthIn(['main.ts', '--output', 'out', '--', '--env', 'prod']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`the app says hello (main module: true, ${path.join(dir, 'main.ts')})\n`);
    expect(fs.readdirSync(path.join(dir, 'out')).sort()).toEqual(['a.k8s.yaml', 'b.k8s.yaml']);
    expect(fs.readFileSync(path.join(dir, 'out', 'a.k8s.yaml'), 'utf8')).toBe([
      'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: a', 'data:', '  args: --env prod', '  replicas: "2"', '',
    ].join('\n'));
  });

  it('--stdout prints the manifests and sends the app\'s own output to stderr', () => {
    const r = synthIn(['main.ts', '--stdout']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`the app says hello (main module: true, ${path.join(dir, 'main.ts')})\n`);
    expect(r.stdout).toBe([
      'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: a', 'data:', '  args: ""', '  replicas: "2"',
      'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: b', 'data:', '  args: ""', '  replicas: "2"', '',
    ].join('\n'));
  });

  it('refuses bad usage with exit status 2', () => {
    const cases: Array<[string[], string]> = [
      [[], 'cdk8s-guardrails synth: the app to synthesize is missing, e.g. "cdk8s-guardrails synth main.ts"\n'],
      [['main.ts', '--output', 'x', '--stdout'], 'cdk8s-guardrails synth: --output and --stdout are mutually exclusive: give one\n'],
      [['main.ts', '--verbose'], 'cdk8s-guardrails synth: unknown option "--verbose"\n'],
      [['main.ts', 'other.ts'], 'cdk8s-guardrails synth: one app at a time: "main.ts" and "other.ts" given (app arguments go after "--")\n'],
      [['main.ts', '--output'], 'cdk8s-guardrails synth: --output needs a value\n'],
    ];
    for (const [args, message] of cases) {
      const r = synthIn(args);
      expect(r.status).toBe(2);
      expect(r.stderr.startsWith(`${message}\nUsage: cdk8s-guardrails synth`)).toBe(true);
    }
    const missing = synthIn(['nope.ts']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`cdk8s-guardrails synth: nope.ts does not exist (resolved to ${path.join(dir, 'nope.ts')})\n`);
    const transpiler = synthIn(['main.ts', '--transpiler', 'swc']);
    expect(transpiler.status).toBe(2);
    expect(transpiler.stderr).toBe('cdk8s-guardrails synth: unknown transpiler "swc": expected one of esbuild, typescript\n');
  });

  it('keeps the exit code the app sets', () => {
    fs.writeFileSync(path.join(dir, 'exit.ts'), "const code: number = 3;\nprocess.exitCode = code;\n");
    const r = synthIn(['exit.ts']);
    expect(r.status).toBe(3);
    expect(r.stderr).toBe('');
  });

  it('--help prints the usage on stdout', () => {
    const r = synthIn(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('  app: node node_modules/cdk8s-guardrails/bin/cdk8s-guardrails.js synth main.ts\n');
    expect(r.stderr).toBe('');
  });
});

describe('errors of the app', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('error');
    fs.writeFileSync(path.join(dir, 'helper.ts'), [
      '// a helper',
      '',
      'export interface Thing { readonly name: string }',
      '',
      'export function explode(thing: Thing): never {',
      '  throw new Error(`bad thing ${thing.name}`);',
      '}',
      '',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'main.ts'), [
      "import { explode } from './helper';",
      '',
      'type Unused = string;',
      "const name: Unused = 'x';",
      'explode({ name });',
      '',
    ].join('\n'));
  });

  for (const transpiler of TRANSPILERS) {
    for (const cache of ['cold', 'warm']) {
      it(`are printed with TypeScript lines and no frames of the command (${transpiler}, ${cache} cache)`, () => {
        const r = run(process.execPath, [bin, 'synth', 'main.ts', '--transpiler', transpiler], { cwd: dir, env: { GUARDRAILS_TS_CACHE: path.join(dir, `.cache-${transpiler}`) } });
        expect(r.status).toBe(1);
        expect(r.stdout).toBe('');
        const lines = r.stderr.trimEnd().split('\n');
        expect(lines[0]).toBe('Error: bad thing x');
        expect(lines[1]).toMatch(new RegExp(`^    at explode \\(${path.join(dir, 'helper.ts').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:6:\\d+\\)$`));
        expect(lines[2]).toContain(`${path.join(dir, 'main.ts')}:5:`);
        expect(lines).toHaveLength(3);
      }, 60_000);
    }
  }
});
