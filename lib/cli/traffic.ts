/**
 * `cdk8s-guardrails traffic <files or dirs>`: the allowed-connection graph of an app read
 * from YAML, and the calls its NetworkPolicies block. Exit 0 when no call is blocked, 1 when
 * one is, 2 on usage or input errors.
 */
import * as fs from 'fs';
import * as path from 'path';
import { IngressController } from '../ingress/ingress-controller';
import { checkRule, flattenManifests, formatViolation } from '../practices/checker';
import { BlockedCall, blockedCalls } from '../traffic/calls';
import { NetworkPolicyEvaluator } from '../traffic/evaluator';
import { DroppedExposure, droppedExposures } from '../traffic/exposure';
import { OutsideParty, TrafficGraphOptions, toDot, toTable, trafficGraph } from '../traffic/graph';
import { readTrafficModel } from '../traffic/model';
import { renderSvg } from '../traffic/svg';
import { readInputs } from './inputs';
import { readStandardInput } from './stdin';
import { CliIo, UsageError } from './main';

export const TRAFFIC_USAGE = `Usage: cdk8s-guardrails traffic [options] <file or directory>...

Reads the YAML of an app (files, directories searched for *.yaml, *.yml and *.json) and
shows which workload may open a connection to which, on which ports, as its NetworkPolicies
decide; with the outside world, cluster DNS, the ingress controller and the metrics scraper
as named nodes. Then lists the calls that the policies block: addresses of the app's own
Services in env values and ConfigMaps that the caller may not reach; and the LoadBalancer and
NodePort Services whose pods refuse the outside traffic they send.

Options:
  --out <dir>                     write traffic.dot, traffic.svg and traffic.txt there
  --format <table|dot|svg>        what to print on standard output (default: table)
  --ingress-controller <traefik|nginx>   whose pods the ingress controller is (default: traefik,
                                  or nginx when an Ingress names the nginx class)
  --ingress-controller-namespace <ns>    namespace of the ingress controller's pods
  --scraper-namespace <ns>        namespace of the metrics scraper (default: monitoring)
  --namespace <ns>                namespace of objects that name none (default: default)
  -h, --help                      show this help

Exit status: 0 when nothing is blocked, 1 when a call or outside traffic is, 2 on usage or
input errors.
`;

/** The controller profiles of the library, by name. */
const CONTROLLERS: { [name: string]: (options: { namespace?: string }) => IngressController } = {
  traefik: (o) => IngressController.traefik(o),
  nginx: (o) => IngressController.nginx(o),
};
const FORMATS = ['table', 'dot', 'svg'];

interface TrafficArgs {
  readonly help: boolean;
  readonly paths: string[];
  readonly out?: string;
  readonly format: string;
  readonly controller?: string;
  readonly controllerNamespace?: string;
  readonly scraperNamespace?: string;
  readonly namespace: string;
}

function parseTrafficArgs(argv: string[]): TrafficArgs {
  const paths: string[] = [];
  const a: { -readonly [K in keyof TrafficArgs]?: TrafficArgs[K] } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '-h': case '--help': return { help: true, paths: [], format: 'table', namespace: 'default' };
      case '--out': a.out = value(); break;
      case '--format': {
        const f = value();
        if (!FORMATS.includes(f)) throw new UsageError(`--format ${JSON.stringify(f)}: expected ${FORMATS.join(', ')}`);
        a.format = f;
        break;
      }
      case '--ingress-controller': {
        const c = value();
        if (!CONTROLLERS[c]) throw new UsageError(`--ingress-controller ${JSON.stringify(c)}: expected ${Object.keys(CONTROLLERS).join(' or ')}`);
        a.controller = c;
        break;
      }
      case '--ingress-controller-namespace': a.controllerNamespace = value(); break;
      case '--scraper-namespace': a.scraperNamespace = value(); break;
      case '--namespace': a.namespace = value(); break;
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
        paths.push(arg);
    }
  }
  if (paths.length === 0) throw new UsageError('no files or directories to read');
  return { help: false, paths, format: a.format ?? 'table', namespace: a.namespace ?? 'default', ...a };
}

/** The ingress controller: the one asked for, else nginx when an Ingress names the nginx class, else traefik. */
function controllerOf(args: TrafficArgs, manifests: readonly any[]): OutsideParty {
  const nginx = manifests.some((m) => m?.kind === 'Ingress'
    && (m.spec?.ingressClassName === 'nginx' || m.metadata?.annotations?.['kubernetes.io/ingress.class'] === 'nginx'));
  const controller = CONTROLLERS[args.controller ?? (nginx ? 'nginx' : 'traefik')]({ namespace: args.controllerNamespace });
  return { namespace: controller.namespace, podLabels: controller.podLabels ?? {} };
}

function blockedText(blocked: readonly BlockedCall[], dropped: readonly DroppedExposure[]): string {
  const lines = [''];
  if (blocked.length === 0) lines.push('No call is blocked: every address of the app\'s own Services in env and config is reachable.');
  else lines.push(`Blocked calls (${blocked.length}):`);
  for (const b of blocked) lines.push(`  ${b.message}`, `    fix: ${b.fix}`);
  // Only when there is one: a LoadBalancer or NodePort Service is the exception.
  if (dropped.length > 0) lines.push('', `Outside traffic dropped (${dropped.length}):`);
  for (const d of dropped) lines.push(`  ${d.message}`, `    fix: ${d.fix}`);
  return lines.join('\n') + '\n';
}

/** Runs `cdk8s-guardrails traffic`; resolves to the exit code. */
export async function traffic(argv: string[], io: CliIo): Promise<number> {
  try {
    const args = parseTrafficArgs(argv);
    if (args.help) {
      io.out(TRAFFIC_USAGE);
      return 0;
    }
    const inputs = readInputs(args.paths, false, readStandardInput);
    if (inputs.problems.length > 0) throw new UsageError(inputs.problems.join('\n'));
    // Objects the API server refuses (a CIDR /33, a port 70000) would draw a graph of a cluster that cannot exist.
    const refused = checkRule('api-valid', [...inputs.groups.values()].flat(), args.namespace);
    if (refused.length > 0) {
      io.err(`cdk8s-guardrails traffic: input error: the API server refuses ${refused.length === 1 ? 'this object' : 'these objects'}, so no graph is drawn:\n`
        + refused.map((v) => `  ${formatViolation(v)}\n`).join(''));
      return 2;
    }
    const manifests = flattenManifests([...inputs.groups.values()].flat()).map((input) => input.manifest);
    const model = readTrafficModel(manifests, args.namespace);
    const options: TrafficGraphOptions = {
      ingressController: controllerOf(args, manifests),
      metricsScraper: args.scraperNamespace ? { namespace: args.scraperNamespace, podLabels: { 'app.kubernetes.io/name': 'prometheus' } } : undefined,
    };
    const graph = trafficGraph(model, options);
    const dot = toDot(graph);
    const table = toTable(graph);
    const evaluator = new NetworkPolicyEvaluator(model);
    const blocked = blockedCalls(model, evaluator);
    const dropped = droppedExposures(model, evaluator);
    const findings = blockedText(blocked, dropped);
    const svg = args.out !== undefined || args.format === 'svg' ? await renderSvg(dot) : undefined;
    if (args.out !== undefined) {
      fs.mkdirSync(args.out, { recursive: true });
      fs.writeFileSync(path.join(args.out, 'traffic.dot'), dot);
      fs.writeFileSync(path.join(args.out, 'traffic.svg'), svg!);
      fs.writeFileSync(path.join(args.out, 'traffic.txt'), table + findings);
    }
    if (args.format === 'dot') io.out(dot);
    else if (args.format === 'svg') io.out(svg!);
    else io.out(table + findings);
    const failed = blocked.length > 0 || dropped.length > 0;
    if (args.format !== 'table' && failed) io.err(findings.slice(1));
    return failed ? 1 : 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`cdk8s-guardrails traffic: ${e.message}\n\n${TRAFFIC_USAGE}`);
      return 2;
    }
    // Never a stack trace: the message, and where to report it.
    io.err(`cdk8s-guardrails traffic: internal error: ${(e as Error)?.message ?? e}\n(this is a bug; please report it with the input that caused it)\n`);
    return 2;
  }
}
