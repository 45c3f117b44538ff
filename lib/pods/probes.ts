import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { fail } from '../core/errors';
import { checkInt } from '../core/validate';
import { ProbeSettings } from './props';
import { checkCommand } from './security';
import { checkDuration } from '../core/validation/units';

/** Scheme of an HTTP probe. */
export enum ProbeScheme {
  /** Plain HTTP. */
  HTTP = 'HTTP',
  /** HTTPS, without certificate verification (as the kubelet does). */
  HTTPS = 'HTTPS',
}

/** Options of an HTTP GET probe. */
export interface HttpGetProbeOptions {
  /**
   * Name of the container port to probe.
   * @default - the container's first port
   */
  readonly port?: string;
  /**
   * Extra request headers, by name.
   * @default - none
   */
  readonly headers?: { [name: string]: string };
  /**
   * Scheme.
   * @default ProbeScheme.HTTP
   */
  readonly scheme?: ProbeScheme;
}

/** Options of a gRPC health-check probe. */
export interface GrpcProbeOptions {
  /**
   * Name of the container port to probe.
   * @default - the container's first port
   */
  readonly port?: string;
  /**
   * Service name sent in the gRPC HealthCheckRequest.
   * @default - the server's overall health ("")
   */
  readonly service?: string;
}

/**
 * What a probe checks. Each check but `exec` runs against a named port of the container;
 * a name the container does not declare is an error.
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
 */
export class ProbeCheck {
  /** An HTTP GET of `path` (absolute); success is a status from 200 to 399. */
  public static httpGet(path: string, options: HttpGetProbeOptions = {}): ProbeCheck {
    return new ProbeCheck('httpGet', options.port, path, options.headers, options.scheme);
  }

  /**
   * A TCP connect to a port.
   * @param port name of the container port; default: the container's first port
   */
  public static tcpSocket(port?: string): ProbeCheck {
    return new ProbeCheck('tcpSocket', port);
  }

  /** A gRPC health check (grpc.health.v1), GA since Kubernetes 1.27. */
  public static grpc(options: GrpcProbeOptions = {}): ProbeCheck {
    return new ProbeCheck('grpc', options.port, undefined, undefined, undefined, options.service);
  }

  /** A command run in the container; success is exit status 0. */
  public static exec(command: string[]): ProbeCheck {
    return new ProbeCheck('exec', undefined, undefined, undefined, undefined, undefined, command);
  }

  private constructor(
    /** 'httpGet', 'tcpSocket', 'grpc' or 'exec'. */
    public readonly type: string,
    /** The port name, when given. */
    public readonly port?: string,
    /** The HTTP path. */
    public readonly path?: string,
    /** HTTP headers. */
    public readonly headers?: { [name: string]: string },
    /** HTTP scheme. */
    public readonly scheme?: ProbeScheme,
    /** gRPC service name. */
    public readonly service?: string,
    /** The exec command. */
    public readonly command?: string[],
  ) {}
}

/** A probe's check, resolved: port names exist, values are valid. */
export interface ResolvedCheck {
  readonly type: 'httpGet' | 'tcpSocket' | 'grpc' | 'exec';
  readonly port?: string;
  /** grpc only: the number of `port`. */
  readonly portNumber?: number;
  readonly path?: string;
  readonly headers?: Array<{ name: string; value: string }>;
  readonly scheme?: string;
  readonly service?: string;
  readonly command?: string[];
}

/** A probe, resolved. */
export interface ResolvedProbe {
  readonly check: ResolvedCheck;
  readonly period: number;
  readonly timeout: number;
  readonly failures: number;
  readonly delay: number;
  /** Written only when set (the API server defaults it to 1). */
  readonly successThreshold?: number;
}

/** Longest `startupTimeout` (seconds): a start slower than a day is a hung start. */
export const STARTUP_TIMEOUT_MAX_SECONDS = 86400;
/** Period of the startup probe (seconds); its failureThreshold is the timeout over this, at most 17280. */
const STARTUP_PERIOD_SECONDS = 5;

/** Defaults of one probe type. */
export interface ProbeDefaults { period: number; timeout: number; failures: number; delay: number }

export const READINESS_DEFAULTS: ProbeDefaults = { period: 5, timeout: 2, failures: 3, delay: 0 };
export const LIVENESS_DEFAULTS: ProbeDefaults = { period: 10, timeout: 2, failures: 6, delay: 10 };

/** What a probe resolves against: the container's port names (first is the default). */
export interface ProbeTarget {
  readonly scope: IConstruct;
  readonly kind: string;
  readonly ports: ReadonlyArray<{ readonly name: string; readonly containerPort: number; readonly protocol: string }>;
  /** Where the container's ports are set, for error messages ("port or ports"). */
  readonly portsProp: string;
}

/** Validates the check of a probe and resolves its port name. */
export function resolveCheck(t: ProbeTarget, prop: string, p: ProbeSettings): ResolvedCheck {
  const { scope, kind } = t;
  const portNames = t.ports.map((x) => x.name);
  if (p.check !== undefined && p.path !== undefined) {
    fail(scope, kind, `${prop}.path`, p.path, `either path or check, not both: use check: ProbeCheck.httpGet(${JSON.stringify(p.path)})`);
  }
  const c = p.check ?? (p.path !== undefined ? ProbeCheck.httpGet(p.path) : ProbeCheck.tcpSocket());
  if (!(c instanceof ProbeCheck)) fail(scope, kind, `${prop}.check`, c, 'a ProbeCheck: ProbeCheck.httpGet(), .tcpSocket(), .grpc() or .exec()');
  if (c.type === 'exec') {
    if (!Array.isArray(c.command) || c.command.length === 0 || c.command.some((a) => typeof a !== 'string' || a === '')) {
      fail(scope, kind, `${prop}.check`, c.command, 'ProbeCheck.exec() with a non-empty command of non-empty strings');
    }
    return { type: 'exec', command: [...c.command] };
  }
  const checkProp = p.check ? `${prop}.check` : prop;
  let port = c.port;
  if (port === undefined) {
    if (portNames.length === 0) {
      fail(scope, kind, checkProp, c.type, `a port to probe: the container has none; declare one with ${t.portsProp}, or use ProbeCheck.exec()`);
    }
    port = portNames[0];
  } else if (!portNames.includes(port)) {
    fail(scope, kind, `${checkProp}.port`, port,
      `the name of a port of the container: ${portNames.length > 0 ? portNames.join(', ') : '(none)'}; a probe on an unknown port never succeeds`);
  }
  const protocol = t.ports.find((x) => x.name === port)!.protocol;
  if (protocol !== 'TCP') fail(scope, kind, `${checkProp}.port`, port, `a TCP port: port "${port}" is ${protocol}, and the kubelet probes over TCP`);
  if (c.type === 'httpGet') {
    if (typeof c.path !== 'string' || !c.path.startsWith('/')) fail(scope, kind, `${checkProp}.path`, c.path, 'an absolute HTTP path such as "/healthz"');
    const headers = Object.keys(c.headers ?? {}).sort().map((name) => {
      if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) fail(scope, kind, `${checkProp}.headers`, name, 'an HTTP header name (RFC 7230 token)');
      const value = c.headers![name];
      if (typeof value !== 'string') fail(scope, kind, `${checkProp}.headers.${name}`, value, 'a string (quote numbers and booleans)');
      return { name, value };
    });
    if (c.scheme !== undefined && !Object.values(ProbeScheme).includes(c.scheme)) {
      fail(scope, kind, `${checkProp}.scheme`, c.scheme, 'ProbeScheme.HTTP or ProbeScheme.HTTPS');
    }
    return { type: 'httpGet', port, path: c.path, headers: headers.length > 0 ? headers : undefined, scheme: c.scheme ?? ProbeScheme.HTTP };
  }
  if (c.type === 'grpc') {
    // GRPCAction takes a port number only; the name is resolved here.
    const portNumber = t.ports.find((x) => x.name === port)!.containerPort;
    if (c.service !== undefined && typeof c.service !== 'string') fail(scope, kind, `${checkProp}.service`, c.service, 'a gRPC service name');
    return { type: 'grpc', port, portNumber, service: c.service };
  }
  return { type: 'tcpSocket', port };
}

/** Validates the timing of a probe and resolves its check. */
export function resolveProbe(t: ProbeTarget, prop: string, p: ProbeSettings | undefined, d: ProbeDefaults): ResolvedProbe {
  const { scope, kind } = t;
  const period = checkInt(scope, kind, `${prop}.periodSeconds`, p?.periodSeconds ?? d.period, 1, 3600);
  const timeout = checkInt(scope, kind, `${prop}.timeoutSeconds`, p?.timeoutSeconds ?? d.timeout, 1, 3600);
  if (timeout >= period) {
    if (p?.timeoutSeconds === undefined) {
      fail(scope, kind, `${prop}.periodSeconds`, period, `more than ${prop}.timeoutSeconds (${timeout}, the default): set timeoutSeconds below ${period} too`);
    }
    fail(scope, kind, `${prop}.timeoutSeconds`, timeout, `less than ${prop}.periodSeconds (${period}): a probe that times out after the next one is due cannot work`);
  }
  const failures = checkInt(scope, kind, `${prop}.failureThreshold`, p?.failureThreshold ?? d.failures, 1, 1000);
  const delay = checkInt(scope, kind, `${prop}.initialDelaySeconds`, p?.initialDelaySeconds ?? d.delay, 0, 3600);
  return { check: resolveCheck(t, prop, p ?? {}), period, timeout, failures, delay, successThreshold: 1 };
}

/**
 * Whether two checks probe the same thing, as kube-score's pod-probes-identical sees them:
 * HTTP GETs of the same path are the same whatever their headers or scheme (it compares the
 * path and the numeric port, and reads a port name, which the library writes, as 0); other
 * checks are the same when equal as written.
 */
export function sameCheck(a: ResolvedCheck, b: ResolvedCheck): boolean {
  if (a.type === 'httpGet' && b.type === 'httpGet') return a.path === b.path;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A probe as Kubernetes JSON. Zero values are left out: the API server does not store them. */
export function renderProbe(p: ResolvedProbe): any {
  const c = p.check;
  const handler = c.type === 'httpGet'
    ? { httpGet: { path: c.path, port: c.port, scheme: c.scheme, httpHeaders: c.headers } }
    : c.type === 'grpc'
      ? { grpc: { port: c.portNumber, service: c.service } }
      : c.type === 'exec'
        ? { exec: { command: c.command } }
        : { tcpSocket: { port: c.port } };
  return {
    ...handler,
    initialDelaySeconds: p.delay > 0 ? p.delay : undefined,
    periodSeconds: p.period,
    timeoutSeconds: p.timeout,
    failureThreshold: p.failures,
    successThreshold: p.successThreshold,
  };
}

/** The probes of one container, as given. */
export interface ProbeSpec {
  /** Prefix of the container's props in errors: '' for the main container, 'sidecars[0].' for a sidecar. */
  readonly prefix: string;
  readonly readiness?: ProbeSettings;
  readonly liveness?: ProbeSettings;
  /** Main container only. */
  readonly livenessCommand?: string[];
  /** Main container only. */
  readonly startupTimeout?: Duration;
}

/** Probes, resolved; `identical` when readiness and liveness check the same thing. */
export interface ResolvedProbes { readiness?: ResolvedProbe; liveness?: ResolvedProbe; startup?: ResolvedProbe; identical: boolean }

const WORKER_LIVENESS_DEFAULTS = { period: 30, timeout: 5, failures: 3, delay: 0 };

/**
 * The probes of a container (rules probe-readiness, probe-liveness). In a long-running
 * kind a container with ports gets readiness and liveness probes (by default a TCP check of
 * its first port), and one without needs a liveness probe that runs a command. A kind whose
 * pods run to completion gets only the probes asked for.
 */
export function resolveProbes(t: ProbeTarget, spec: ProbeSpec, serving: boolean, longRunning: boolean, skips: Map<string, string>): ResolvedProbes {
  const { scope, kind: K } = t;
  const p = spec.prefix;
  const isMain = p === '';
  if (!longRunning) {
    return {
      readiness: spec.readiness && resolveProbe(t, `${p}readiness`, spec.readiness, READINESS_DEFAULTS),
      liveness: spec.liveness && resolveProbe(t, `${p}liveness`, spec.liveness, LIVENESS_DEFAULTS),
      identical: false,
    };
  }
  if (!serving) {
    if (spec.readiness) fail(scope, K, `${p}readiness`, spec.readiness, 'no readiness probe without a port: a worker is not behind a Service');
    if (spec.liveness && spec.livenessCommand) fail(scope, K, 'livenessCommand', spec.livenessCommand, 'either livenessCommand or liveness, not both');
    if (spec.livenessCommand && spec.livenessCommand.length > 0) {
      checkCommand(scope, K, 'livenessCommand', spec.livenessCommand, 'a non-empty command of non-empty strings');
      // Written as before: without successThreshold, which the API server defaults to 1.
      return { liveness: { check: { type: 'exec', command: [...spec.livenessCommand] }, period: 30, timeout: 5, failures: 3, delay: 0 }, identical: false };
    }
    if (spec.liveness) {
      if (skips.has('probe-liveness')) return { identical: false };
      return { liveness: resolveProbe(t, `${p}liveness`, spec.liveness, WORKER_LIVENESS_DEFAULTS), identical: false };
    }
    if (!skips.has('probe-liveness')) {
      if (isMain) {
        fail(scope, K, 'livenessCommand', spec.livenessCommand, 'a command that fails when the worker hangs (e.g. [\'/app/healthcheck\']), or skip: { \'probe-liveness\': \'<reason>\' } (rule probe-liveness)');
      }
      fail(scope, K, `${p}liveness`, spec.liveness,
        `a liveness probe for a container without ports, e.g. { check: ProbeCheck.exec(['/bin/health']) }, or skip: { 'probe-liveness': '<reason>' } (rule probe-liveness)`);
    }
    return { identical: false };
  }
  if (spec.livenessCommand) fail(scope, K, 'livenessCommand', spec.livenessCommand, 'liveness.check (e.g. ProbeCheck.exec) or the default TCP check for a workload with a port');
  const readiness = resolveProbe(t, `${p}readiness`, spec.readiness, READINESS_DEFAULTS);
  const liveness = resolveProbe(t, `${p}liveness`, spec.liveness, LIVENESS_DEFAULTS);
  if (liveness.period * liveness.failures <= readiness.period * readiness.failures) {
    fail(scope, K, `${p}liveness`, spec.liveness,
      `a liveness probe more tolerant than readiness: periodSeconds x failureThreshold above ${readiness.period * readiness.failures}s, so a slow pod leaves the Service before it is restarted (rule probe-liveness)`);
  }
  let startup: ResolvedProbe | undefined;
  if (spec.startupTimeout !== undefined) {
    const total = checkDuration(scope, K, 'startupTimeout', spec.startupTimeout, {
      minSeconds: 1, maxSeconds: STARTUP_TIMEOUT_MAX_SECONDS, why: 'a startup probe longer than a day hides a hung start',
    });
    const period = STARTUP_PERIOD_SECONDS;
    startup = { check: readiness.check, period, timeout: readiness.timeout, failures: Math.ceil(total / period), delay: 0, successThreshold: 1 };
  }
  const skipReady = skips.has('probe-readiness');
  const skipLive = skips.has('probe-liveness');
  return {
    readiness: skipReady ? undefined : readiness,
    liveness: skipLive ? undefined : liveness,
    startup,
    identical: !skipReady && !skipLive && sameCheck(readiness.check, liveness.check),
  };
}
