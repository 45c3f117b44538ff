import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { fail } from '../core/errors';
import { checkDuration } from '../core/validation/units';
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

/** Longest `preStopDelay` (seconds): endpoints and load balancers drop a pod within seconds; a longer wait only stalls rollouts and drains. */
export const PRE_STOP_DELAY_MAX_SECONDS = 300;
/** Longest `shutdownTimeout` (seconds): one hour; a longer drain is set with `terminationGracePeriod`. */
export const SHUTDOWN_TIMEOUT_MAX_SECONDS = 3600;
/** Longest `terminationGracePeriod` (seconds): one day; a pod that takes longer to stop blocks node maintenance. */
export const TERMINATION_GRACE_MAX_SECONDS = 86400;

/**
 * The grace period and the preStop delay: the endpoint leaves every Service and load
 * balancer before the app gets SIGTERM, and SIGKILL comes only after the app has had time
 * to finish. From Kubernetes 1.30 the delay is the native sleep action, so the image needs
 * no `sleep` binary. A delay of 0 (no preStop hook) is refused unless `allowNoDelay` (rule
 * graceful-shutdown skipped, or a pod that serves nothing): the checker flags it as well.
 */
export function resolveShutdown(scope: IConstruct, kind: string, p: ShutdownInput, version: KubernetesVersion, allowNoDelay: boolean): ResolvedShutdown {
  if (!allowNoDelay && p.preStopDelay instanceof Duration && p.preStopDelay.toMilliseconds({ integral: false }) === 0) {
    fail(scope, kind, 'preStopDelay', '0s', 'at least 1s (rule graceful-shutdown): with no delay the app gets SIGTERM while Services still send it traffic; e.g. Duration.seconds(10), or skip: { \'graceful-shutdown\': \'<reason>\' } for no preStop hook');
  }
  const delay = checkDuration(scope, kind, 'preStopDelay', p.preStopDelay ?? Duration.seconds(10), {
    maxSeconds: PRE_STOP_DELAY_MAX_SECONDS, why: 'endpoints and load balancers drop a stopping pod within seconds, and a longer wait only stalls rollouts and node drains',
  });
  const shutdown = checkDuration(scope, kind, 'shutdownTimeout', p.shutdownTimeout ?? Duration.seconds(20), {
    maxSeconds: SHUTDOWN_TIMEOUT_MAX_SECONDS, why: 'set terminationGracePeriod (up to a day) for a longer drain',
  });
  const grace = p.terminationGracePeriod !== undefined
    ? checkDuration(scope, kind, 'terminationGracePeriod', p.terminationGracePeriod, {
      minSeconds: 1, maxSeconds: TERMINATION_GRACE_MAX_SECONDS, why: 'a pod that takes longer to stop blocks node maintenance',
    })
    : delay + shutdown;
  if (grace <= delay) {
    // Blame what was set: the grace period when given, else the shutdown timeout it is made from.
    if (p.terminationGracePeriod !== undefined) {
      fail(scope, kind, 'terminationGracePeriod', `${grace}s`, `more than preStopDelay (${delay}s), or SIGKILL arrives before the app has received SIGTERM; e.g. ${delay + 20}s`);
    }
    fail(scope, kind, 'shutdownTimeout', `${shutdown}s`, `at least 1s: it is the time between SIGTERM and SIGKILL (terminationGracePeriodSeconds is preStopDelay plus shutdownTimeout); e.g. 20s`);
  }
  // No delay, no hook (the sleep action takes at least 1 second).
  const defaultPreStop = delay === 0 ? undefined
    : version.atLeast(KubernetesVersion.V1_30) ? { sleepSeconds: delay } : { command: ['sleep', String(delay)] };
  return { terminationGracePeriodSeconds: grace, defaultPreStop };
}

/** A container's preStop hook: its own command, else `fallback`. */
export function resolvePreStop(scope: IConstruct, kind: string, prop: string, command: string[] | undefined, fallback: ResolvedPreStop | undefined): ResolvedPreStop | undefined {
  if (command === undefined) return fallback;
  checkCommand(scope, kind, prop, command, 'a non-empty command of non-empty strings, e.g. [\'sleep\', \'10\'], or no preStopCommand');
  return { command: [...command] };
}
