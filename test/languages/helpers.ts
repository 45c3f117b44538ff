import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Guardrails, GuardrailsApp, IsolatedNamespace, SafeDeployment } from '../../lib';
import { readTree, tmpdir } from '../helpers';

export const root = path.join(__dirname, '..', '..');

/** Runs a program of another language (through jsii) and returns its standard output. */
export function run(command: string, args: string[], env: { [name: string]: string } = {}, cwd = root): string {
  return execFileSync(command, args, {
    cwd,
    env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '1', JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1', ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 180_000,
  });
}

/** The files that the TypeScript shop example (examples/shop) writes. */
export function typescriptShop(): Record<string, string> {
  const out = tmpdir('shop-ts-');
  execFileSync(process.execPath, ['-e', `require('./scripts/synth.js').load(${JSON.stringify(path.join(root, 'examples', 'shop', 'main.ts'))})`], {
    cwd: root, env: { ...process.env, CDK8S_OUTDIR: out }, stdio: 'pipe',
  });
  const files = readTree(out);
  if (!files['prod/guardrails-report.jsonc'] || !files['prod/shop.k8s.yaml'].includes('kind: Deployment\n')) {
    throw new Error(`the TypeScript shop example wrote ${Object.keys(files).join(', ')}`);
  }
  // The TypeScript shop uses Environments, whose reports also list the files each folder holds
  // (`writtenBy`, so the next synth removes stale ones); the other languages' shops write each
  // folder with a GuardrailsApp of its own. Everything else must be byte for byte the same.
  for (const [name, text] of Object.entries(files)) {
    if (!name.endsWith('guardrails-report.jsonc')) continue;
    const stripped = text.replace(/,\n  "writtenBy": \{\n[\s\S]*?\n  \}\n\}\n?$/, '\n}\n');
    if (stripped === text) throw new Error(`${name} of the TypeScript shop has no writtenBy mark: has Environments stopped writing it?`);
    files[name] = stripped;
  }
  return files;
}

/** The first code block of `language` in the README's "Other languages" section. */
export function readmeSample(language: string): string {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Other languages\n'));
  const code = new RegExp(`\n\`\`\`${language}\n([\\s\\S]*?)\n\`\`\`\n`).exec(section)?.[1];
  if (!code) throw new Error(`no ${language} example in the README's "Other languages" section`);
  return code;
}

/** The files that the README's first app, written in TypeScript, writes. */
export function typescriptFirstApp(): Record<string, string> {
  const app = new GuardrailsApp({ outdir: tmpdir('first-app-ts-') });
  Guardrails.enforce(app);
  const shop = new IsolatedNamespace(app, 'shop', { team: 'shop' });
  new SafeDeployment(shop, 'web', { image: 'ghcr.io/acme/web:1.4.2', port: 8080 });
  app.synth();
  const files = readTree(app.outdir);
  if (Object.keys(files).join() !== [Guardrails.REPORT_FILE, 'shop.k8s.yaml'].join()) {
    throw new Error(`the first app wrote ${Object.keys(files).join(', ')}`);
  }
  return files;
}
