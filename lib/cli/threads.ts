/**
 * Checking in several threads (`check --jobs`). Every thread reads the same inputs into its
 * own index and runs a share of the rules; the first share runs in the command's own thread.
 * Reading is done again in each thread (objects cannot be shared between threads, and copying
 * them costs as much as reading), so threads pay off on large inputs only, and only with CPUs
 * to spare: V8's garbage collector already keeps a second CPU busy beside a large check, so on
 * two CPUs a second thread is slower (50,000 objects: 2.8 s against 2.5 s). The command uses a
 * second thread from `PARALLEL_MIN_BYTES` of input on a machine with `PARALLEL_MIN_CPUS` CPUs.
 */
import * as os from 'os';
import * as path from 'path';
import { parentPort, Worker, workerData } from 'worker_threads';
import { runRules } from '../practices/checker';
import { Sink, SinkData } from '../practices/context';
import { RULE_CHECKS } from '../practices/rules';
import { FoundInput, readFound } from './inputs';
import { indexGroups, parseArgs, resolvedOptions } from './main';

/** Input size (bytes) from which the command checks in two threads by default (about 3,000 objects). */
export const PARALLEL_MIN_BYTES = 2 * 1024 * 1024;
/** CPUs from which the command checks in two threads by default. */
export const PARALLEL_MIN_CPUS = 4;

/**
 * The relative cost of the rules that cost most, measured by `npm run bench:checker` on 50,000
 * objects (milliseconds); every other rule counts 10. Only the balance of the shares depends on
 * them, never the result.
 */
const RULE_COST: { readonly [rule: string]: number } = {
  'api-valid': 480,
  'network-calls': 190,
  'ns-pod-security': 85,
  'secret-no-plaintext': 70,
  'probe-readiness': 65,
  'pdb': 50,
  'pod-security': 40,
  'graceful-shutdown': 35,
  'ns-default-deny': 35,
  'config-immutable': 35,
  'spread-nodes': 35,
  'service-account': 30,
  'kind-fields': 25,
  'probe-liveness': 25,
  'labels': 20,
  'spread-zones': 20,
};
const OTHER_RULE_COST = 10;
/** What a helper thread does before its rules that the command's own thread has done already (starting, loading the checker), in the same units. */
const HELPER_START_COST = 100;

/**
 * The rules of each of `jobs` threads, the command's own thread first: the costliest rule
 * first, each to the thread with the least so far.
 */
export function planRules(jobs: number): ReadonlySet<string>[] {
  const shares = Array.from({ length: Math.max(1, Math.min(jobs, RULE_CHECKS.length)) }, (_, i) => ({ rules: new Set<string>(), cost: i === 0 ? 0 : HELPER_START_COST }));
  const cost = (id: string) => RULE_COST[id] ?? OTHER_RULE_COST;
  const byCost = RULE_CHECKS.map((r) => r.id).sort((a, b) => cost(b) - cost(a) || (a < b ? -1 : 1));
  for (const id of byCost) {
    const least = shares.reduce((a, b) => (b.cost < a.cost ? b : a));
    least.rules.add(id);
    least.cost += cost(id);
  }
  return shares.map((s) => s.rules);
}

/** Threads the command uses when `--jobs` is not given: two on large inputs when the machine has `PARALLEL_MIN_CPUS` CPUs or more. */
export function defaultJobs(found: readonly FoundInput[]): number {
  let bytes = 0;
  for (const f of found) bytes += f.raw === undefined ? 0 : f.raw.length;
  // From the TypeScript sources (no build), a thread would compile the checker again first.
  return bytes >= PARALLEL_MIN_BYTES && availableCpus() >= PARALLEL_MIN_CPUS && !__filename.endsWith('.ts') ? 2 : 1;
}

function availableCpus(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

/** What a helper thread is given. */
interface ThreadInput {
  readonly argv: readonly string[];
  readonly found: readonly FoundInput[];
  readonly rules: readonly string[];
}

/** A helper thread at work: its shares (one sink per app, in the order of `indexGroups`). */
export interface CheckThread {
  readonly result: Promise<SinkData[]>;
  stop(): void;
}

/** Starts a helper thread on `input` (the compiled module, or the TypeScript source through ts-node). */
export function startCheckThread(input: ThreadInput): CheckThread {
  const load = __filename.endsWith('.ts')
    ? `require('ts-node').register({ transpileOnly: true, project: ${JSON.stringify(path.join(__dirname, '..', '..', 'tsconfig.dev.json'))} });`
    : '';
  const worker = new Worker(`${load}require(${JSON.stringify(__filename)}).threadMain();`, { eval: true, workerData: input });
  const result = new Promise<SinkData[]>((resolve, reject) => {
    worker.once('message', (m: { shares?: SinkData[]; error?: string }) => (m.shares ? resolve(m.shares) : reject(new Error(`a checking thread failed: ${m.error}`))));
    worker.once('error', (e) => reject(new Error(`a checking thread failed: ${e?.message ?? e}`)));
    worker.once('exit', (code) => reject(new Error(`a checking thread stopped (exit code ${code}) before it finished`)));
  });
  result.catch(() => undefined); // awaited later; a failure before then is not unhandled
  return { result, stop: () => void worker.terminate() };
}

/** The body of a helper thread: reads the inputs, runs its rules, and sends its sinks back. */
export function threadMain(): void {
  const { argv, found, rules } = workerData as ThreadInput;
  try {
    const parsed = parseArgs([...argv]);
    const resolved = resolvedOptions(parsed);
    const only = new Set(rules);
    const shares = indexGroups(readFound(found), parsed).map((index) => {
      const sink = new Sink();
      runRules(index, resolved, sink, only);
      return sink.toData();
    });
    parentPort!.postMessage({ shares });
  } catch (e) {
    parentPort!.postMessage({ error: String((e as Error)?.message ?? e) });
  }
}
