/**
 * `cdk8s-guardrails check <files or dirs>`: the practices checker on YAML from anywhere
 * (Helm output, kustomize output, hand-written manifests). Exit 0 when clean, 1 on
 * violations, 2 on usage or input errors.
 */
import * as fs from 'fs';
import { mergeResults } from '../practices/app-folders';
import { rulesJson, rulesText } from '../practices/catalog-docs';
import { checkManifests } from '../practices/checker';
import { ManifestInput } from '../practices/model';
import { resolveOptions } from '../practices/options';
import { Profile } from '../practices/profile';
import { GuardrailsOptions } from '../practices/types';
import { Format, FORMATS, junit, json, Outcome, sarif, text } from './formats';
import { readInputs } from './inputs';

/** Where the CLI writes (replaceable in tests). */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Standard input: text, or bytes (then decoded as UTF-8, as files are). */
  readonly stdin?: () => string | Uint8Array;
}

const DEFAULT_IO: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  stdin: () => {
    // Waiting on a terminal would look like a hang: '-' is for piped input.
    if (process.stdin.isTTY) throw new Error('is a terminal: pipe manifests into it (helm template . | cdk8s-guardrails check -)');
    return fs.readFileSync(0);
  },
};

export const USAGE = `Usage: cdk8s-guardrails check [options] <file or directory>...
       cdk8s-guardrails rules [--format <text|json>]   (each rule, why, how to switch it off)
       cdk8s-guardrails traffic [options] <file or directory>...   (see traffic --help)
       cdk8s-guardrails synth <app.ts or .js> [options] [-- app arguments]   (see synth --help)

Checks Kubernetes YAML (multi-document files, directories searched for *.yaml, *.yml and
*.json, '-' for standard input) against the practices catalog.

Options:
  --format <text|json|sarif|junit>  output format (default: text); SARIF 2.1.0 for code
                                  scanning, JUnit XML for CI test reports
  --json                          the same as --format json
  --namespace <namespace>         the namespace of objects that name none, as kubectl
                                  applies them (default: default)
  --each-dir                      check the files of each directory as a separate app
                                  (one folder per environment or per app, as cdk8s writes them);
                                  without it, each folder below a named directory that holds a
                                  guardrails-report.jsonc (written by a synthesis) is its own app
  --profile <restricted|baseline> rules to apply (default: restricted)
  --allowed-registry <registry>   allowed image registry (repeatable)
  --require-digest                require images pinned by digest
  --pinned-tag-pattern <regex>    what counts as a pinned tag (the whole tag must match);
                                  default: a full version 1.4.2, a date or a commit hash
  --require-architecture          require workloads to pin kubernetes.io/arch
  --external-service-account <[namespace/]name>   ServiceAccount that exists outside the files (repeatable)
  --external-service <[namespace/]name>           Service that exists outside the files (repeatable)
  --external-secret <[namespace/]name>            Secret that exists in the cluster (repeatable)
  --disable <rule>=<reason>       switch a rule off for everything, with a reason (repeatable)
  -h, --help                      show this help

YAML is read as Kubernetes reads it (YAML 1.1: merge keys, yes/no/on/off booleans). Files
and documents that cannot be read (empty, binary, UTF-16, not an object, no kind or
apiVersion, dangling links, pipes inside directories) are input errors, never skipped.
Hidden directories (.git, .github...) and node_modules are not searched; a note on standard
error names them (name one on the command line to check it).

Exit status: 0 when no object breaks a rule, 1 on violations, 2 on usage or input errors.
`;

export class UsageError extends Error {}

interface Parsed {
  readonly command: 'check' | 'rules' | 'help';
  readonly json: boolean;
  readonly format: Format;
  readonly eachDir?: boolean;
  readonly paths: string[];
  readonly options: GuardrailsOptions;
  readonly namespace?: string;
}

/** The formats `rules` writes: the catalog is a list, not a check result, so SARIF and JUnit do not apply. */
const RULES_FORMATS = ['text', 'json'];

/** `rules [--format text|json] [--json]`: every other argument is refused. */
function parseRulesArgs(args: string[]): Parsed {
  let format: Format = 'text';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (flag === '-h' || flag === '--help') return { command: 'help', json: false, format: 'text', paths: [], options: {} };
    if (flag === '--json' && eq < 0) { format = 'json'; continue; }
    if (flag !== '--format') throw new UsageError(`rules takes no ${arg.startsWith('-') ? `option ${arg}` : `argument ${JSON.stringify(arg)}`}: expected --format text or --format json`);
    const name = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (name === undefined) throw new UsageError('--format needs a value');
    if (!RULES_FORMATS.includes(name)) throw new UsageError(`rules --format ${JSON.stringify(name)}: expected text or json (the catalog is a list of rules, not a check result)`);
    format = name as Format;
  }
  return { command: 'rules', json: format === 'json', format, paths: [], options: {} };
}

function parseArgs(argv: string[]): Parsed {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') return { command: 'help', json: false, format: 'text', paths: [], options: {} };
  if (command === 'rules') return parseRulesArgs(rest);
  if (command !== 'check') throw new UsageError(`unknown command "${command}": expected check, rules, traffic or synth`);
  const paths: string[] = [];
  const lists: { [k: string]: string[] } = { registries: [], sa: [], svc: [], secrets: [] };
  const disabled: { [rule: string]: string } = {};
  let format: Format | undefined;
  let eachDir = false;
  let namespace = 'default';
  let profile: Profile | undefined;
  let requireDigest = false;
  let pinnedTagPattern: string | undefined;
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
      case '--json': format = 'json'; break;
      case '--format': {
        const name = value();
        if (!(FORMATS as readonly string[]).includes(name)) throw new UsageError(`--format ${JSON.stringify(name)}: expected ${FORMATS.join(', ')}`);
        format = name as Format;
        break;
      }
      case '--each-dir': eachDir = true; break;
      case '--namespace': case '-n': {
        namespace = value();
        if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) throw new UsageError(`--namespace ${JSON.stringify(namespace)}: expected a namespace name (lower-case letters, digits and '-', at most 63)`);
        break;
      }
      case '-h': case '--help': return { command: 'help', json: false, format: 'text', paths: [], options: {} };
      // Everything after `--` is a path, even one named like an option (`-x.yaml`).
      case '--': paths.push(...rest.slice(i + 1)); i = rest.length; break;
      case '--profile': {
        const name = value();
        profile = Profile.fromName(name);
        if (!profile) throw new UsageError(`--profile ${JSON.stringify(name)}: expected "restricted" or "baseline"`);
        break;
      }
      case '--allowed-registry': lists.registries.push(value()); break;
      case '--require-digest': requireDigest = true; break;
      case '--pinned-tag-pattern': pinnedTagPattern = value(); break;
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
    command: 'check', json: format === 'json', format: format ?? 'text', eachDir, paths, namespace,
    options: {
      profile, requireDigest, requireArchitecture, pinnedTagPattern,
      allowedRegistries: lists.registries, externalServiceAccounts: lists.sa, externalServices: lists.svc, externalSecrets: lists.secrets,
      disabledRules: disabled,
    },
  };
}

/** The flag that sets each option, to word an option error as the command line gave it. */
const FLAG_OF: { [option: string]: string } = {
  disabledRules: '--disable', allowedRegistries: '--allowed-registry', pinnedTagPattern: '--pinned-tag-pattern',
  externalServiceAccounts: '--external-service-account', externalServices: '--external-service', externalSecrets: '--external-secret',
};

function checkInputs(parsed: Parsed, io: CliIo): Outcome {
  const inputs = readInputs(parsed.paths, parsed.eachDir ?? false, io.stdin ?? DEFAULT_IO.stdin!);
  const resolved = resolveOptions(parsed.options, (property, value, allowed, at) => {
    const flag = at === undefined ? undefined : FLAG_OF[at.option];
    const given = at?.option === 'disabledRules' ? `${at.entry}=${parsed.options.disabledRules?.[String(at.entry)]}` : value;
    throw new UsageError(flag === undefined ? `invalid ${property} ${JSON.stringify(value)}: expected ${allowed}` : `${flag} ${JSON.stringify(given)}: expected ${allowed}`);
  });
  // Objects of refused documents serve lookups only: they are not checked, and leave no follow-on finding around them.
  const checked = (input: ManifestInput) => !inputs.unreadable.has(input);
  const results = [...inputs.groups.values()].map((list) => checkManifests(list, resolved, inputs.unreadable.size > 0 ? checked : undefined, parsed.namespace));
  for (const note of inputs.notes) io.err(`cdk8s-guardrails: note: ${note}\n`);
  const result = mergeResults(results);
  const problems = [...inputs.problems];
  if (result.objectCount === 0 && problems.length === 0) problems.push('no Kubernetes object to check: passing on nothing would prove nothing');
  return { result, files: inputs.files, problems, inputs: [...inputs.groups.values()].flat().filter(checked), lines: inputs.lines, texts: inputs.texts };
}

const WRITERS: { [format in Format]: (o: Outcome) => string } = { text, json, sarif, junit };

/** Runs the CLI; returns the exit code. */
export function main(argv: string[], io: CliIo = DEFAULT_IO): number {
  try {
    const parsed = parseArgs(argv);
    if (parsed.command === 'help') {
      io.out(USAGE);
      return argv.length === 0 ? 2 : 0;
    }
    if (parsed.command === 'rules') {
      io.out(parsed.json ? rulesJson() : rulesText());
      return 0;
    }
    const outcome = checkInputs(parsed, io);
    io.out(WRITERS[parsed.format](outcome));
    if (parsed.format !== 'text') for (const p of outcome.problems) io.err(`cdk8s-guardrails: input error: ${p}\n`);
    if (outcome.problems.length > 0) return 2;
    return outcome.result.violations.length > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`cdk8s-guardrails: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    // Never a stack trace: the message, and where to report it.
    io.err(`cdk8s-guardrails: internal error: ${(e as Error)?.message ?? e}\n(this is a bug in the checker; please report it with the input that caused it)\n`);
    return 2;
  }
}
