import { IConstruct } from 'constructs';

// Work that every library construct triggers, registered by the modules that do it. The
// modules that call `constructCreated` (skip handling) stay free of cdk8s, which the checker
// and the CLI run without.

const HOOKS: Array<(scope: IConstruct) => void> = [];

/** Runs `hook` for every library construct created from now on. */
export function onConstructCreated(hook: (scope: IConstruct) => void): void {
  if (!HOOKS.includes(hook)) HOOKS.push(hook);
}

/** Tells the registered hooks that a library construct was created. */
export function constructCreated(scope: IConstruct): void {
  for (const hook of HOOKS) hook(scope);
}
