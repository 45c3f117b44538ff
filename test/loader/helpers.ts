import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readTree, tmpdir } from '../helpers';

export const root = path.join(__dirname, '..', '..');
export const bin = path.join(root, 'bin', 'cdk8s-guardrails.js');

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end; `env` is added to this process's environment. */
export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  const r = spawnSync(command, args, {
    cwd: options.cwd ?? root,
    env: { ...process.env, GUARDRAILS_TS_CACHE: undefined, CDK8S_OUTDIR: undefined, ...options.env },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Like `run`, but fails with the command's stderr when it does not exit with 0. */
export function runOk(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  const r = run(command, args, options);
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${r.status}:\n${r.stderr}${r.stdout}`);
  return r;
}

/** A new empty directory under the system's temporary directory. */
export function tempDir(prefix: string): string {
  return tmpdir(`guardrails-${prefix}-`);
}

export { readTree };

/** The .yaml files of a tree concatenated in the order `cdk8s synth --stdout` prints them. */
export function stdoutOf(dir: string): string {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let out = '';
  for (const e of entries) if (!e.isDirectory() && e.name.endsWith('.yaml')) out += fs.readFileSync(path.join(dir, e.name), 'utf8');
  for (const e of entries) if (e.isDirectory()) out += stdoutOf(path.join(dir, e.name));
  return out;
}

/**
 * Runs a TypeScript cdk8s app through ts-node (transpile only: the same JavaScript as with
 * type-checking) with CDK8S_OUTDIR set, as `app: npx ts-node main.ts` would; returns the
 * files it wrote.
 */
export function tsNodeSynth(entry: string, options: { project?: string; cwd?: string } = {}): Record<string, string> {
  const outdir = tempDir('ts-node');
  const register = `require(${JSON.stringify(require.resolve('ts-node', { paths: [options.cwd ?? root] }))}).register({ transpileOnly: true${options.project ? `, project: ${JSON.stringify(options.project)}` : ''} });`;
  runOk(process.execPath, ['-e', `${register} require(${JSON.stringify(entry)});`], { cwd: options.cwd, env: { CDK8S_OUTDIR: outdir } });
  return readTree(outdir);
}
