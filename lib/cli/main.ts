/**
 * `cdk8s-guardrails check <files or dirs>`: the practices checker on YAML from anywhere
 * (Helm output, kustomize output, hand-written manifests). Exit 0 when clean, 1 on
 * violations, 2 on usage or input errors.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { RULES } from '../practices/catalog';
import { checkManifests, formatSuppression, objectRef } from '../practices/checker';

import { ManifestInput, REPORT_FILE } from '../practices/model';
import { resolveOptions } from '../practices/options';
import { Profile } from '../practices/profile';
import { CheckResult, GuardrailsOptions } from '../practices/types';

/** Where the CLI writes (replaceable in tests). */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly stdin?: () => string;
}

const DEFAULT_IO: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  stdin: () => fs.readFileSync(0, 'utf8'),
};

export const USAGE = `Usage: cdk8s-guardrails check [options] <file or directory>...
       cdk8s-guardrails rules
       cdk8s-guardrails traffic [options] <file or directory>...   (see traffic --help)

Checks Kubernetes YAML (multi-document files, directories searched for *.yaml, *.yml and
*.json, '-' for standard input) against the practices catalog.

Options:
  --json                          print the result as JSON
  --each-dir                      check the files of each directory as a separate app
                                  (one folder per environment or per app, as cdk8s writes them)
  --profile <restricted|baseline> rules to apply (default: restricted)
  --allowed-registry <registry>   allowed image registry (repeatable)
  --require-digest                require images pinned by digest
  --require-architecture          require workloads to pin kubernetes.io/arch
  --external-service-account <[namespace/]name>   ServiceAccount that exists outside the files (repeatable)
  --external-service <[namespace/]name>           Service that exists outside the files (repeatable)
  --external-secret <[namespace/]name>            Secret that exists in the cluster (repeatable)
  --disable <rule>=<reason>       switch a rule off for everything, with a reason (repeatable)
  -h, --help                      show this help

Exit status: 0 when no object breaks a rule, 1 on violations, 2 on usage or input errors.
`;

export class UsageError extends Error {}

interface Parsed {
  readonly command: 'check' | 'rules' | 'help';
  readonly json: boolean;
  readonly eachDir?: boolean;
  readonly paths: string[];
  readonly options: GuardrailsOptions;
}

function parseArgs(argv: string[]): Parsed {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') return { command: 'help', json: false, paths: [], options: {} };
  if (command === 'rules') return { command: 'rules', json: rest.includes('--json'), paths: [], options: {} };
  if (command !== 'check') throw new UsageError(`unknown command "${command}": expected "check" or "rules"`);
  const paths: string[] = [];
  const lists: { [k: string]: string[] } = { registries: [], sa: [], svc: [], secrets: [] };
  const disabled: { [rule: string]: string } = {};
  let json = false;
  let eachDir = false;
  let profile: Profile | undefined;
  let requireDigest = false;
  let requireArchitecture = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const v = rest[++i];
      if (v === undefined || (v.startsWith('--') && v.length > 2)) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--json': json = true; break;
      case '--each-dir': eachDir = true; break;
      case '-h': case '--help': return { command: 'help', json: false, paths: [], options: {} };
      case '--profile': {
        const name = value();
        profile = Profile.fromName(name);
        if (!profile) throw new UsageError(`--profile ${JSON.stringify(name)}: expected "restricted" or "baseline"`);
        break;
      }
      case '--allowed-registry': lists.registries.push(value()); break;
      case '--require-digest': requireDigest = true; break;
      case '--require-architecture': requireArchitecture = true; break;
      case '--external-service-account': lists.sa.push(value()); break;
      case '--external-service': lists.svc.push(value()); break;
      case '--external-secret': lists.secrets.push(value()); break;
      case '--disable': {
        const v = value();
        const at = v.indexOf('=');
        if (at <= 0 || v.slice(at + 1).trim() === '') throw new UsageError(`--disable ${JSON.stringify(v)}: expected <rule>=<reason> with a non-empty reason`);
        disabled[v.slice(0, at)] = v.slice(at + 1);
        break;
      }
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
        paths.push(arg);
    }
  }
  if (paths.length === 0) throw new UsageError('no files or directories to check');
  return {
    command: 'check', json, eachDir, paths,
    options: {
      profile, requireDigest, requireArchitecture,
      allowedRegistries: lists.registries, externalServiceAccounts: lists.sa, externalServices: lists.svc, externalSecrets: lists.secrets,
      disabledRules: disabled,
    },
  };
}

/** Files that cdk8s and the enforcement write next to the manifests. */
const NOT_MANIFESTS = new Set([REPORT_FILE, 'construct-metadata.json']);

/** Files under a path: the file itself, or every *.yaml, *.yml and *.json below a directory, sorted. */
export function collectFiles(p: string): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch {
    throw new UsageError(`${p}: no such file or directory`);
  }
  if (!stat.isDirectory()) return [p];
  const out: string[] = [];
  for (const entry of fs.readdirSync(p, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(p, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) out.push(...collectFiles(full));
    } else if (/\.(ya?ml|json)$/i.test(entry.name) && !NOT_MANIFESTS.has(entry.name)) {
      out.push(full);
    }
  }
  return out;
}

/** Parses one file (or standard input) into manifests; YAML errors are input errors. */
export function readManifests(text: string, source: string): ManifestInput[] {
  const out: ManifestInput[] = [];
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc: any, i: number) => {
    if (doc.errors && doc.errors.length > 0) {
      throw new UsageError(`${source}: document ${i + 1} is not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
    }
    const manifest = doc.toJS();
    if (manifest === null || manifest === undefined) return;
    if (typeof manifest !== 'object' || Array.isArray(manifest)) return;
    const at = list.length > 1 ? `${source}#${i + 1}` : source;
    out.push({ manifest, source: at });
  });
  return out;
}

function checkPaths(paths: string[], options: GuardrailsOptions, eachDir: boolean, io: CliIo): { result: CheckResult; files: number } {
  // Files grouped into apps: everything together, or one app per directory.
  const groups = new Map<string, ManifestInput[]>();
  let files = 0;
  const add = (group: string, inputs: ManifestInput[]) => {
    const list = groups.get(group);
    if (list) list.push(...inputs); else groups.set(group, inputs);
  };
  for (const p of paths) {
    if (p === '-') {
      files++;
      add('-', readManifests((io.stdin ?? DEFAULT_IO.stdin!)(), '<stdin>'));
      continue;
    }
    for (const file of collectFiles(p)) {
      files++;
      add(eachDir ? path.dirname(file) : '', readManifests(fs.readFileSync(file, 'utf8'), file));
    }
  }
  const resolved = resolveOptions(options, (property, value, allowed) => {
    throw new UsageError(`invalid ${property} ${JSON.stringify(value)}: expected ${allowed}`);
  });
  const results = [...groups.values()].map((inputs) => checkManifests(inputs, resolved));
  const result: CheckResult = {
    violations: results.flatMap((r) => r.violations),
    suppressions: results.flatMap((r) => r.suppressions),
    warnings: results.flatMap((r) => r.warnings),
    objectCount: results.reduce((n, r) => n + r.objectCount, 0),
  };
  return { result, files };
}

function human(result: CheckResult, files: number): string {
  const lines: string[] = [];
  let last = '';
  for (const v of result.violations) {
    const obj = `${objectRef(v)}${v.path ? ` (${v.path})` : ''}${v.source ? ` in ${v.source}` : ''}`;
    if (obj !== last) {
      lines.push(obj);
      last = obj;
    }
    lines.push(`  ${v.rule}: ${v.field ? `${v.field}: ` : ''}${v.message}`);
    lines.push(`    fix: ${v.fix}`);
  }
  if (result.suppressions.length > 0) {
    if (lines.length > 0) lines.push('');
    lines.push('Suppressed rules:');
    for (const s of result.suppressions) lines.push(`  ${formatSuppression(s)}`);
  }
  if (result.warnings.length > 0) {
    if (lines.length > 0) lines.push('');
    lines.push('Warnings:');
    for (const w of result.warnings) lines.push(`  ${w}`);
  }
  if (lines.length > 0) lines.push('');
  const objects = new Set(result.violations.map((v) => `${v.kind}|${v.namespace}|${v.name}|${v.source}`)).size;
  lines.push(result.violations.length === 0
    ? `OK: ${result.objectCount} objects in ${files} file${files === 1 ? '' : 's'} break no rule (${result.suppressions.length} suppressed).`
    : `${result.violations.length} violation${result.violations.length === 1 ? '' : 's'} in ${objects} of ${result.objectCount} objects (${files} file${files === 1 ? '' : 's'}); ${result.suppressions.length} suppressed.`);
  return lines.join('\n') + '\n';
}

/** Runs the CLI; returns the exit code. */
export function main(argv: string[], io: CliIo = DEFAULT_IO): number {
  try {
    const parsed = parseArgs(argv);
    if (parsed.command === 'help') {
      io.out(USAGE);
      return argv.length === 0 ? 2 : 0;
    }
    if (parsed.command === 'rules') {
      if (parsed.json) io.out(JSON.stringify(RULES, null, 2) + '\n');
      else for (const r of RULES) io.out(`${r.id} [${r.group}; ${r.profiles.join(', ')}]${r.group === 'app' ? ' (library property, not checked on objects)' : ''}\n  ${r.requirement}\n`);
      return 0;
    }
    const { result, files } = checkPaths(parsed.paths, parsed.options, parsed.eachDir ?? false, io);
    if (parsed.json) {
      io.out(JSON.stringify({
        violations: result.violations,
        suppressions: result.suppressions,
        warnings: result.warnings,
        summary: { files, objects: result.objectCount, violations: result.violations.length, suppressions: result.suppressions.length },
      }, null, 2) + '\n');
    } else {
      io.out(human(result, files));
    }
    return result.violations.length > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`cdk8s-guardrails: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    io.err(`cdk8s-guardrails: ${(e as Error).stack ?? e}\n`);
    return 2;
  }
}
