// The command as users get it: the packed package (npm pack) installed in a new cdk8s project
// that has typescript but not esbuild, run by `cdk8s synth` as cdk8s.yaml's app.
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTree, root, run, runOk, stdoutOf, tempDir, tsNodeSynth } from './helpers';

// The README's first example.
const MAIN_TS = `import { App, Chart } from 'cdk8s';
import { SafeDeployment } from 'cdk8s-guardrails';

const app = new App();
const chart = new Chart(app, 'shop');
new SafeDeployment(chart, 'web', { image: 'ghcr.io/acme/web:1.4.2', port: 8080 });
app.synth();
`;

/**
 * A directory with what `npm pack` packs: package.json, README.md, bin/ and build/. build/ is
 * the jsii build when there is one (CI builds before testing), else the library transpiled
 * file by file, which is all the command needs.
 */
function stagePackage(): string {
  const stage = tempDir('stage');
  for (const f of ['package.json', 'README.md', 'API.md']) fs.copyFileSync(path.join(root, f), path.join(stage, f));
  fs.cpSync(path.join(root, 'bin'), path.join(stage, 'bin'), { recursive: true });
  if (fs.existsSync(path.join(root, 'build', 'index.js'))) {
    fs.cpSync(path.join(root, 'build'), path.join(stage, 'build'), { recursive: true });
  } else {
    const esbuild = createRequire(__filename)('esbuild') as { transformSync(code: string, options: object): { code: string } };
    for (const entry of fs.readdirSync(path.join(root, 'lib'), { recursive: true }) as string[]) {
      if (!entry.endsWith('.ts')) continue;
      const out = path.join(stage, 'build', entry.replace(/\.ts$/, '.js'));
      fs.mkdirSync(path.dirname(out), { recursive: true });
      const source = fs.readFileSync(path.join(root, 'lib', entry), 'utf8');
      fs.writeFileSync(out, esbuild.transformSync(source, { loader: 'ts', format: 'cjs', target: 'node20', tsconfigRaw: { compilerOptions: { target: 'ES2020', useDefineForClassFields: false } } }).code);
    }
  }
  // The bundled dependency (yaml) is packed from node_modules.
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(stage, 'node_modules'));
  return stage;
}

describe('the packed package in a new project (typescript, no esbuild)', () => {
  let project: string;
  let reference: Record<string, string>;
  const cdk8s = (args: string[]) => runOk(process.execPath, [path.join(root, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), ...args, '--no-check-upgrade'], { cwd: project });

  beforeAll(() => {
    const stage = stagePackage();
    const packed = runOk('npm', ['pack', '--silent', '--pack-destination', stage], { cwd: stage }).stdout.trim().split('\n').pop()!;
    project = tempDir('project');
    const modules = path.join(project, 'node_modules');
    fs.mkdirSync(path.join(modules, 'cdk8s-guardrails'), { recursive: true });
    runOk('tar', ['-xzf', path.join(stage, packed), '-C', path.join(modules, 'cdk8s-guardrails'), '--strip-components=1']);
    for (const dep of ['cdk8s', 'cdk8s-plus-27', 'constructs', 'typescript', 'ts-node', '@types']) {
      fs.symlinkSync(path.join(root, 'node_modules', dep), path.join(modules, dep));
    }
    fs.writeFileSync(path.join(project, 'main.ts'), MAIN_TS);
    // What `cdk8s init typescript-app` writes, with the app line of the README.
    fs.copyFileSync(path.join(root, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app', 'tsconfig.json'), path.join(project, 'tsconfig.json'));
    fs.writeFileSync(path.join(project, 'cdk8s.yaml'), 'language: typescript\napp: node node_modules/cdk8s-guardrails/bin/cdk8s-guardrails.js synth main.ts\n');
    reference = tsNodeSynth(path.join(project, 'main.ts'), { cwd: project });
  }, 300_000);

  it('packs the command and its loader', () => {
    const pkg = path.join(project, 'node_modules', 'cdk8s-guardrails');
    for (const f of ['bin/cdk8s-guardrails.js', 'bin/synth.js', 'bin/ts-loader.js', 'build/index.js', 'node_modules/yaml/package.json']) {
      expect(fs.existsSync(path.join(pkg, f))).toBe(true);
    }
    expect(() => require.resolve('esbuild', { paths: [project] })).toThrow();
    expect(Object.keys(reference)).toEqual(['shop.k8s.yaml']);
    expect(reference['shop.k8s.yaml']).toContain('kind: Deployment\n');
  });

  it('cdk8s synth writes what ts-node writes, cold and warm, with the typescript compiler', () => {
    const cache = path.join(project, 'node_modules', '.cache', 'cdk8s-guardrails');
    fs.rmSync(cache, { recursive: true, force: true });
    for (const _ of ['cold', 'warm']) {
      cdk8s(['synth']);
      expect(readTree(path.join(project, 'dist'))).toEqual(reference);
    }
    expect(fs.readdirSync(path.join(cache, 'ts'))).toHaveLength(1);
    expect(fs.readdirSync(cache).filter((d) => d.startsWith('v8-'))).toHaveLength(1);
  }, 120_000);

  it('cdk8s synth --stdout prints the same manifests', () => {
    const r = cdk8s(['synth', '--stdout']);
    expect(r.stdout).toBe(reference['shop.k8s.yaml']);
    const direct = run(process.execPath, [path.join('node_modules', 'cdk8s-guardrails', 'bin', 'cdk8s-guardrails.js'), 'synth', 'main.ts', '--stdout'], { cwd: project });
    expect(direct.stderr).toBe('');
    expect(direct.stdout).toBe(stdoutOf(path.join(project, 'dist')));
  }, 120_000);
});
