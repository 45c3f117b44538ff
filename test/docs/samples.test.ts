import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The TypeScript samples of README.md and docs/*.md are compiled (and the complete apps run), so
// that the documentation cannot drift from the library. A ```ts block is wrapped in
// rosetta/default.ts-fixture (the names jsii-rosetta gives it); a ```ts nofixture block is a
// whole program, and one that calls `.synth()` is run as an app.

const root = path.join(__dirname, '..', '..');

export interface Sample {
  /** `README.md:34`: the file and the line of the opening fence. */
  readonly where: string;
  readonly code: string;
  readonly whole: boolean;
}

/** The TypeScript samples of a Markdown file. */
export function samplesOf(file: string): Sample[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const out: Sample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i].match(/^```(ts|typescript)( .*)?$/);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    while (++i < lines.length && lines[i] !== '```') body.push(lines[i]);
    out.push({ where: `${path.relative(root, file)}:${start + 1}`, code: body.join('\n') + '\n', whole: /\bnofixture\b/.test(open[2] ?? '') });
  }
  return out;
}

const docs = [path.join(root, 'README.md'), ...fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => path.join(root, 'docs', f))];
const samples = docs.flatMap(samplesOf);
const fixture = fs.readFileSync(path.join(root, 'rosetta', 'default.ts-fixture'), 'utf8');

/** A scratch project: the samples as files, with the repository's node_modules. */
function scratch(): { dir: string; files: Map<string, Sample> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samples-'));
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const files = new Map<string, Sample>();
  samples.forEach((s, n) => {
    const file = path.join(dir, `sample-${n}.ts`);
    const code = s.whole ? s.code : fixture.replace('/// here', s.code);
    // A module of its own, so that samples may use the same names.
    fs.writeFileSync(file, `${code}\nexport {};\n`);
    files.set(file, s);
  });
  return { dir, files };
}

describe('the TypeScript samples of README.md and docs/', () => {
  const { dir, files } = scratch();

  it('are found', () => {
    expect(samples.length).toBeGreaterThan(10);
    expect(samples.filter((s) => s.whole && /\.synth\(\)/.test(s.code)).length).toBeGreaterThan(2);
  });

  it('compile against the library', () => {
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10,
      lib: ['lib.es2020.d.ts'], strict: true, esModuleInterop: true, skipLibCheck: true, noEmit: true, types: ['node'],
      baseUrl: dir, paths: { 'cdk8s-guardrails': [path.join(root, 'lib', 'index.ts')] }, typeRoots: [path.join(root, 'node_modules', '@types')],
    };
    const program = ts.createProgram([...files.keys()], options);
    const problems = ts.getPreEmitDiagnostics(program)
      .filter((d) => d.file && files.has(d.file.fileName))
      .map((d) => {
        const s = files.get(d.file!.fileName)!;
        const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
        const text = d.file!.text.split('\n')[line].trim();
        return `${s.where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')} (in: ${text})`;
      });
    expect(problems).toEqual([]);
  }, 300_000);

  const apps = [...files.entries()].filter(([, s]) => s.whole && /\.synth\(\)/.test(s.code));
  it.each(apps.map(([file, s]) => [s.where, file]))('%s runs as an app and writes manifests', (_where, file) => {
    const out = path.join(dir, `${path.basename(file, '.ts')}-dist`);
    const run = path.join(dir, `${path.basename(file, '.ts')}-run.ts`);
    const lib = path.join(root, 'lib', 'index');
    fs.writeFileSync(run, fs.readFileSync(file, 'utf8').replace(/from 'cdk8s-guardrails'/g, `from ${JSON.stringify(lib)}`));
    const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(path.join(root, 'scripts', 'synth.js'))}).register(); require(${JSON.stringify(run)});`], {
      cwd: dir, env: { ...process.env, CDK8S_OUTDIR: out }, encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const written = fs.readdirSync(out).filter((f) => f.endsWith('.k8s.yaml'));
    expect(written.length).toBeGreaterThan(0);
  }, 120_000);
});
