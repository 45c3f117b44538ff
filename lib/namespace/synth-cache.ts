import { App } from 'cdk8s';
import { IConstruct } from 'constructs';

interface State {
  depth: number;
  readonly cache: Map<unknown, unknown>;
}

const STATES = new WeakMap<IConstruct, State>();

/**
 * cdk8s validates the whole app once in `App.synth()` and again in every `Chart.toJson()`
 * it calls, so a chart validation that scans the app runs once per chart: quadratic in
 * the number of namespaces. Wrapping the App's `synth()` and `synthYaml()` marks a
 * synthesis, during which the tree does not change and results can be kept.
 */
function stateOf(root: IConstruct): State {
  let state = STATES.get(root);
  if (state) return state;
  const s: State = { depth: 0, cache: new Map() };
  STATES.set(root, s);
  if (root instanceof App) {
    for (const method of ['synth', 'synthYaml'] as const) {
      const original = (root as any)[method].bind(root);
      Object.defineProperty(root, method, {
        value: (...args: unknown[]) => {
          s.depth++;
          try {
            return original(...args);
          } finally {
            s.depth--;
            if (s.depth === 0) s.cache.clear();
          }
        },
        configurable: true,
        writable: true,
      });
    }
  }
  return s;
}

/** Prepares the app of `scope` so that `memoDuringSynth` can keep results. */
export function watchSynthesis(scope: IConstruct): void {
  stateOf(scope.node.root);
}

/** `compute()`, kept for the rest of the current `App.synth()`; computed every time outside one. */
export function memoDuringSynth<T>(scope: IConstruct, key: unknown, compute: () => T): T {
  const state = stateOf(scope.node.root);
  if (state.depth === 0) return compute();
  if (!state.cache.has(key)) state.cache.set(key, compute());
  return state.cache.get(key) as T;
}
