import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Yaml } from 'cdk8s';
import { IConstruct } from 'constructs';
import { useFastRendering } from './render';

/**
 * Marks the span of one synthesis of an App, during which the construct tree does not
 * change, so app-wide results can be kept.
 *
 * cdk8s validates the whole app once in `App.synth()` and again in every `Chart.toJson()`
 * it calls, so a validation that scans the app runs once per chart: quadratic in the number
 * of charts. A synthesis is marked in one of two ways:
 *
 * - an App class that owns its spans (GuardrailsApp) runs its `synth()` and `synthYaml()`
 *   inside `synthesisSpan()`. This works in every language: under jsii (Python, Java, .NET,
 *   Go) the runtime calls the method of the object's class, never a method set on the
 *   instance;
 * - any other App has its `synth()` and `synthYaml()` wrapped on the instance, which only
 *   JavaScript callers go through.
 *
 * Outside a synthesis (`Testing.synth(chart)` calls `chart.toJson()` directly) nothing is
 * kept.
 */
interface State {
  depth: number;
  /** Whether the start listeners ran in the current synthesis. */
  started: boolean;
  readonly cache: Map<unknown, unknown>;
  readonly startListeners: Array<() => void>;
  readonly endListeners: Array<(app: App, wroteFiles: boolean) => void>;
}

const STATES = new WeakMap<IConstruct, State>();
/** Apps whose class marks its own synthesis spans: their methods are never wrapped. */
const OWN_SPANS = new WeakSet<App>();

/** The YAML writer of the library (ManifestYaml), registered by the module that defines it. */
let writer: ((docs: any[]) => string) | undefined;

/**
 * Makes the synthesis of a plain cdk8s App write its YAML with `write` (the library's
 * writer, which quotes what Kubernetes' YAML 1.1 reader would read differently) instead of
 * cdk8s's `Yaml.stringify`, for the span of the synthesis.
 */
export function useManifestWriter(write: (docs: any[]) => string): void {
  writer = write;
}

function useWriter(): (() => void) | undefined {
  if (!writer) return undefined;
  const write = writer;
  const own = Object.prototype.hasOwnProperty.call(Yaml, 'stringify');
  const previous = Yaml.stringify;
  Object.defineProperty(Yaml, 'stringify', { value: (...docs: any[]) => write(docs), configurable: true, writable: true });
  return () => {
    if (own) Object.defineProperty(Yaml, 'stringify', { value: previous, configurable: true, writable: true });
    else delete (Yaml as any).stringify;
  };
}

function stateOf(scope: IConstruct): State {
  const root = scope.node.root;
  let state = STATES.get(root);
  if (state) return state;
  state = { depth: 0, started: false, cache: new Map(), startListeners: [], endListeners: [] };
  STATES.set(root, state);
  if (root instanceof App && !OWN_SPANS.has(root)) {
    for (const method of ['synth', 'synthYaml'] as const) {
      const original = (root as any)[method].bind(root);
      Object.defineProperty(root, method, {
        value: (...args: unknown[]) => {
          if (method === 'synth') checkOutdir(root.outdir);
          // A plain App writes with cdk8s's Yaml.stringify: the library's writer stands in for it.
          return synthesisSpan(root, method === 'synth', () => original(...args), true);
        },
        configurable: true,
        writable: true,
      });
    }
  }
  return state;
}

/**
 * Declares that the class of `app` runs its `synth()` and `synthYaml()` inside
 * `synthesisSpan()`, so they are not wrapped on the instance. Call it in the constructor.
 */
export function ownSynthesisSpans(app: App): void {
  if (STATES.has(app)) throw new Error(`ownSynthesisSpans(${app.node.path || 'app'}) must be called before the app is observed`);
  OWN_SPANS.add(app);
}

/**
 * Runs `fn` as one synthesis of `app` (nested calls count as part of the outer one). When
 * the outermost call ends, also when it failed, the end listeners run and what was kept is
 * dropped. `wroteFiles` is true for `synth()`, false for `synthYaml()`. The start listeners run
 * when the outermost call begins; `libraryWriter` makes cdk8s's `Yaml.stringify` write with the
 * library's writer for the span. ApiObjects render in one pass for the span (./render.ts).
 */
export function synthesisSpan<T>(app: App, wroteFiles: boolean, fn: () => T, libraryWriter = false): T {
  const state = stateOf(app);
  state.depth++;
  const restore = state.depth === 1 && libraryWriter ? useWriter() : undefined;
  const stopFastRendering = state.depth === 1 ? useFastRendering() : undefined;
  try {
    start(state);
    return fn();
  } finally {
    stopFastRendering?.();
    restore?.();
    state.depth--;
    if (state.depth === 0) {
      state.started = false;
      for (const listener of state.endListeners) listener(app, wroteFiles);
      state.cache.clear();
    }
  }
}

function start(s: State): void {
  if (s.started) return;
  s.started = true;
  for (const listener of s.startListeners) listener();
  // The listeners may change the tree: what they kept may be out of date.
  s.cache.clear();
}

/**
 * Calls `listener` when a synthesis of the app of `scope` starts, before any validation
 * renders an object: fixes to objects made here are seen by every validation and written.
 */
export function onSynthesisStart(scope: IConstruct, listener: () => void): void {
  stateOf(scope).startListeners.push(listener);
}

/** Prepares the app of `scope` so that its synthesis is observed. */
export function watchSynthesis(scope: IConstruct): void {
  stateOf(scope);
}

/** Whether the app of `scope` is being synthesized by `synth()` or `synthYaml()`. */
export function inSynthesis(scope: IConstruct): boolean {
  return stateOf(scope).depth > 0;
}

const ALL_CONSTRUCTS = Symbol('all constructs');
const ALL_API_OBJECTS = Symbol('all ApiObjects');

/**
 * Every construct of the app of `scope`, as `root.node.findAll()` lists them: walked once per
 * synthesis (the tree does not change during one), every time outside one.
 */
export function allConstructs(scope: IConstruct): IConstruct[] {
  const root = scope.node.root;
  return memoDuringSynth(root, ALL_CONSTRUCTS, () => root.node.findAll());
}

/** The ApiObjects among `allConstructs(scope)`, in the same order. */
export function allApiObjects(scope: IConstruct): ApiObject[] {
  const root = scope.node.root;
  return memoDuringSynth(root, ALL_API_OBJECTS, () => allConstructs(root).filter((c): c is ApiObject => ApiObject.isApiObject(c)));
}

/** `compute()`, kept for the rest of the current synthesis; computed every time outside one. */
export function memoDuringSynth<T>(scope: IConstruct, key: unknown, compute: () => T): T {
  const state = stateOf(scope);
  if (state.depth === 0) return compute();
  if (!state.cache.has(key)) state.cache.set(key, compute());
  return state.cache.get(key) as T;
}

/**
 * Calls `listener` when each synthesis of the app of `scope` ends (also when it failed);
 * `wroteFiles` is true for `synth()`, false for `synthYaml()`.
 */
export function onSynthesisEnd(scope: IConstruct, listener: (app: App, wroteFiles: boolean) => void): void {
  stateOf(scope).endListeners.push(listener);
}

/**
 * Fails with a clear message when the output directory, or a directory above it, is a file
 * (where `mkdir` would give a raw EEXIST or ENOTDIR).
 */
export function checkOutdir(outdir: string): void {
  for (let dir = path.resolve(outdir); ; dir = path.dirname(dir)) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(dir);
    } catch {
      stat = undefined;
    }
    if (stat && !stat.isDirectory()) {
      const what = dir === path.resolve(outdir) ? 'is a file' : `is inside ${JSON.stringify(dir)}, which is a file`;
      throw new Error(`App: invalid outdir ${JSON.stringify(outdir)}; expected a directory to write the manifests to, but it ${what}: remove the file or choose another outdir (App props \`outdir\`, or CDK8S_OUTDIR).`);
    }
    if (stat || path.dirname(dir) === dir) return;
  }
}
