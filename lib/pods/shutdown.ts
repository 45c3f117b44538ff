import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { fail } from '../core/errors';
import { checkCommand } from './security';
import { KubernetesVersion } from './version';

/** A preStop hook: the native sleep action (seconds) or a command. */
export interface ResolvedPreStop {
  readonly sleepSeconds?: number;
  readonly command?: string[];
}

/** Graceful shutdown (rule graceful-shutdown), resolved. */
export interface ResolvedShutdown {
  readonly terminationGracePeriodSeconds: number;
  /** The hook that waits `preStopDelay`; undefined when there is no delay to wait. */
  readonly defaultPreStop?: ResolvedPreStop;
}

/** What graceful shutdown is resolved from. */
export interface ShutdownInput {
  readonly preStopDelay?: Duration;
  readonly shutdownTimeout?: Duration;
  readonly terminationGracePeriod?: Duration;
}

/** Whole seconds of a Duration, at least `min`. */
export function checkSeconds(scope: IConstruct, kind: string, prop: string, d: Duration, min: number): number {
  const s = d.toSeconds();
  if (!Number.isInteger(s) || s < min) fail(scope, kind, prop, `${d.toMilliseconds()}ms`, `a whole number of seconds, at least ${min}`);
  return s;
}

/**
 * The grace period and the preStop delay: the endpoint leaves every Service and load
 * balancer before the app gets SIGTERM, and SIGKILL comes only after the app has had time
 * to finish. From Kubernetes 1.30 the delay is the native sleep action, so the image needs
 * no `sleep` binary.
 */
export function resolveShutdown(scope: IConstruct, kind: string, p: ShutdownInput, version: KubernetesVersion): ResolvedShutdown {
  const delay = checkSeconds(scope, kind, 'preStopDelay', p.preStopDelay ?? Duration.seconds(10), 0);
  const shutdown = checkSeconds(scope, kind, 'shutdownTimeout', p.shutdownTimeout ?? Duration.seconds(20), 0);
  const grace = p.terminationGracePeriod !== undefined
    ? checkSeconds(scope, kind, 'terminationGracePeriod', p.terminationGracePeriod, 1)
    : delay + shutdown;
  if (grace <= delay) {
    fail(scope, kind, 'terminationGracePeriod', `${grace}s`, `more than preStopDelay (${delay}s), or SIGKILL arrives before the app has received SIGTERM; e.g. ${delay + 20}s`);
  }
  // The sleep action takes at least 1 second: no delay, no hook.
  const defaultPreStop = !version.atLeast(KubernetesVersion.V1_30)
    ? { command: ['sleep', String(delay)] }
    : delay > 0 ? { sleepSeconds: delay } : undefined;
  return { terminationGracePeriodSeconds: grace, defaultPreStop };
}

/** A container's preStop hook: its own command, else `fallback`. */
export function resolvePreStop(scope: IConstruct, kind: string, prop: string, command: string[] | undefined, fallback: ResolvedPreStop | undefined): ResolvedPreStop | undefined {
  if (command === undefined) return fallback;
  checkCommand(scope, kind, prop, command, 'a non-empty command of non-empty strings, e.g. [\'sleep\', \'10\'], or no preStopCommand');
  return { command: [...command] };
}
