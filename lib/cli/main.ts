/**
 * `cdk8s-guardrails check <files or dirs>`: the practices checker on YAML from anywhere
 * (Helm output, kustomize output, hand-written manifests). Exit 0 when clean, 1 on
 * violations, 2 on usage or input errors.
 */
import { mergeResults } from '../practices/app-folders';
import { rulesJson, rulesText } from '../practices/catalog-docs';
import { checkIndex, finishCheck, flattenManifests, runRules } from '../practices/checker';
import { Sink } from '../practices/context';
import { ManifestInput, ResolvedOptions } from '../practices/model';
import { ObjectIndex } from '../practices/objects';
import { resolveOptions } from '../practices/options';
import { Profile } from '../practices/profile';
import { CheckResult, GuardrailsOptions } from '../practices/types';
import { Format, FORMATS, junit, json, Outcome, sarif, text } from './formats';
import { findInputs, FoundInput, Inputs, readFound } from './inputs';
import { readStandardInput } from './stdin';
import { defaultJobs, planRules, startCheckThread } from './threads';

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
  stdin: readStandardInput,
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
  --jobs <n>                      threads to check in (default: 2 for inputs of 2 MiB or more
                                  on a machine with 4 CPUs or more, else 1); each thread reads
                                  the input and runs a share of the rules; the report is the same
  -h, --help                      show this help

YAML is read as Kubernetes reads it (YAML 1.1: merge keys, yes/no/on/off booleans). Files
and documents that cannot be read (empty, binary, UTF-16, not an object, no kind or
apiVersion, dangling links, pipes inside directories) are input errors, never skipped.
Hidden directories (.git, .github...) and node_modules are not searched; a note on standard
error names them (name one on the command line to check it).

Exit status: 0 when no object breaks a rule, 1 on violations, 2 on usage or input errors.
`;

export class UsageError extends Error {}

export interface Parsed {
  readonly command: 'check' | 'rules' | 'help';
  readonly json: boolean;
  readonly format: Format;
  readonly eachDir?: boolean;
  readonly paths: string[];
  readonly options: GuardrailsOptions;
  readonly namespace?: string;
  /** `--jobs`: threads to check in; unset: `defaultJobs`. */
  readonly jobs?: number;
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

/** The most threads `--jobs` takes. */
const MAX_JOBS = 64;

export function parseArgs(argv: string[]): Parsed {
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
  let jobs: number | undefined;
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
      case '--jobs': case '-j': {
        const v = value();
        jobs = /^[0-9]+$/.test(v) ? Number(v) : NaN;
        if (!(jobs >= 1 && jobs <= MAX_JOBS)) throw new UsageError(`--jobs ${JSON.stringify(v)}: expected a whole number of threads from 1 to ${MAX_JOBS}`);
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
  if (paths.filter((p) => p === '-').length > 1) throw new UsageError("'-' (standard input) is named more than once: it can be read once");
  return {
    command: 'check', json: format === 'json', format: format ?? 'text', eachDir, paths, namespace, jobs,
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

/** The options of a parsed `check`, resolved; a bad value is a usage error, worded with its flag. */
export function resolvedOptions(parsed: Parsed): ResolvedOptions {
  return resolveOptions(parsed.options, (property, value, allowed, at) => {
    const flag = at === undefined ? undefined : FLAG_OF[at.option];
    const given = at?.option === 'disabledRules' ? `${at.entry}=${parsed.options.disabledRules?.[String(at.entry)]}` : value;
    throw new UsageError(flag === undefined ? `invalid ${property} ${JSON.stringify(value)}: expected ${allowed}` : `${flag} ${JSON.stringify(given)}: expected ${allowed}`);
  });
}

/**
 * One index per app of the inputs. Objects of refused documents serve lookups only: they are
 * not checked, and leave no follow-on finding around them.
 */
export function indexGroups(inputs: Inputs, parsed: Parsed): ObjectIndex[] {
  const checked = inputs.unreadable.size > 0 ? (input: ManifestInput) => !inputs.unreadable.has(input) : undefined;
  return [...inputs.groups.values()].map((list) => new ObjectIndex(flattenManifests(list), checked, parsed.namespace));
}

function outcomeOf(inputs: Inputs, results: CheckResult[], io: CliIo): Outcome {
  for (const note of inputs.notes) io.err(`cdk8s-guardrails: note: ${note}\n`);
  const result = mergeResults(results);
  const problems = [...inputs.problems];
  if (result.objectCount === 0 && problems.length === 0) problems.push('no Kubernetes object to check: passing on nothing would prove nothing');
  const checked = (input: ManifestInput) => !inputs.unreadable.has(input);
  return { result, files: inputs.files, problems, inputs: [...inputs.groups.values()].flat().filter(checked), lines: inputs.lines, texts: inputs.texts };
}

/** The check in this thread alone. */
function checkFound(parsed: Parsed, found: readonly FoundInput[], io: CliIo): Outcome {
  const resolved = resolvedOptions(parsed);
  const inputs = readFound(found);
  return outcomeOf(inputs, indexGroups(inputs, parsed).map((index) => checkIndex(index, resolved)), io);
}

/**
 * The check with its rules split over `plan.length` threads: each helper thread reads the same
 * inputs into its own index and runs its share of the rules (check-thread.ts), while this
 * thread runs the first share; their findings are then brought together. The result is the
 * same as in one thread, object for object and byte for byte.
 */
async function checkFoundInThreads(parsed: Parsed, argv: readonly string[], found: readonly FoundInput[], plan: readonly ReadonlySet<string>[], io: CliIo): Promise<Outcome> {
  const resolved = resolvedOptions(parsed);
  const helpers = plan.slice(1).map((rules) => startCheckThread({ argv, found, rules: [...rules] }));
  try {
    const inputs = readFound(found);
    const indexes = indexGroups(inputs, parsed);
    const sinks = indexes.map((index) => {
      const sink = new Sink();
      runRules(index, resolved, sink, plan[0]);
      return sink;
    });
    const shares = await Promise.all(helpers.map((h) => h.result));
    const results = indexes.map((index, g) => {
      const byIndex = new Map(index.all.map((o) => [o.index, o]));
      for (const share of shares) sinks[g].take(share[g], byIndex);
      return finishCheck(index, resolved, sinks[g]);
    });
    return outcomeOf(inputs, results, io);
  } finally {
    for (const h of helpers) h.stop();
  }
}

const WRITERS: { [format in Format]: (o: Outcome) => string } = { text, json, sarif, junit };

/** Parses `argv`; answers `help` and `rules` (then returns the exit code) and returns a `check` to run. */
function start(argv: string[], io: CliIo): Parsed | number {
  const parsed = parseArgs(argv);
  if (parsed.command === 'help') {
    io.out(USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  if (parsed.command === 'rules') {
    io.out(parsed.json ? rulesJson() : rulesText());
    return 0;
  }
  return parsed;
}

function find(parsed: Parsed, io: CliIo): FoundInput[] {
  return findInputs(parsed.paths, parsed.eachDir ?? false, io.stdin ?? DEFAULT_IO.stdin!);
}

/** Writes the report; returns the exit code. */
function finish(parsed: Parsed, outcome: Outcome, io: CliIo): number {
  io.out(WRITERS[parsed.format](outcome));
  if (parsed.format !== 'text') for (const p of outcome.problems) io.err(`cdk8s-guardrails: input error: ${p}\n`);
  if (outcome.problems.length > 0) return 2;
  return outcome.result.violations.length > 0 ? 1 : 0;
}

function failure(e: unknown, io: CliIo): number {
  if (e instanceof UsageError) {
    io.err(`cdk8s-guardrails: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  // Never a stack trace: the message, and where to report it.
  io.err(`cdk8s-guardrails: internal error: ${(e as Error)?.message ?? e}\n(this is a bug in the checker; please report it with the input that caused it)\n`);
  return 2;
}

/** Runs the CLI in this thread alone (`--jobs` is not used); returns the exit code. */
export function main(argv: string[], io: CliIo = DEFAULT_IO): number {
  try {
    const parsed = start(argv, io);
    if (typeof parsed === 'number') return parsed;
    return finish(parsed, checkFound(parsed, find(parsed, io), io), io);
  } catch (e) {
    return failure(e, io);
  }
}

/** Runs the CLI as the `cdk8s-guardrails` command does, checking in `--jobs` threads; resolves to the exit code. */
export async function run(argv: string[], io: CliIo = DEFAULT_IO): Promise<number> {
  try {
    const parsed = start(argv, io);
    if (typeof parsed === 'number') return parsed;
    const found = find(parsed, io);
    const plan = planRules(parsed.jobs ?? defaultJobs(found));
    const outcome = plan.length > 1 ? await checkFoundInThreads(parsed, argv, found, plan, io) : checkFound(parsed, found, io);
    return finish(parsed, outcome, io);
  } catch (e) {
    return failure(e, io);
  }
}
