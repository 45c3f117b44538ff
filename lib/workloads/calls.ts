/**
 * Calls between workloads, declared once: the address the caller uses and the NetworkPolicy
 * rules on both sides come from the same declaration, so they cannot drift apart.
 */
import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { fail } from '../core/errors';
import { NetworkPort, NetworkProtocol } from '../network/network-peer';
import { runsOnNodeNetwork } from '../network/node-network';
import type { ISafeWorkload } from './safe-workload';

/**
 * A port of a workload's ClusterIP Service, as callers see it.
 * @see https://kubernetes.io/docs/concepts/services-networking/service/#multi-port-services
 */
export interface WorkloadPort {
  /** Port name, shared by the container port and the Service port (e.g. `grpc`, `http`). */
  readonly name: string;
  /** Port number on the Service: the one in the address. */
  readonly port: number;
  /** Container port the Service sends it to: the one NetworkPolicy rules open. */
  readonly targetPort: number;
  /** Protocol. */
  readonly protocol: NetworkProtocol;
}

/**
 * A call this workload makes to another workload's Service, declared once. It gives the
 * address (in an env var of the main container, and from `addressFor`), an egress rule on
 * this workload's NetworkPolicy and an ingress rule on the callee's, both on exactly that port.
 */
export interface WorkloadCall {
  /** The workload called; it must expose a port (have a Service), and not be the caller itself. */
  readonly workload: ISafeWorkload;
  /**
   * Name of the callee's port (`grpc`, `http`, ...).
   * @default - the callee's first exposed port
   */
  readonly port?: string;
  /**
   * Env var of the main container that receives the address: `<service>:<port>` in the same
   * namespace, `<service>.<namespace>.svc:<port>` across namespaces (e.g. `CART_SERVICE_ADDR`).
   * @default - no env var: write `workload.addressFor(scope, port)` into env or files yourself
   */
  readonly env?: string;
}

/** Whether `x` looks like an ISafeWorkload (for checks of untyped input from other languages). */
export function isSafeWorkload(x: unknown): x is ISafeWorkload {
  const w = x as ISafeWorkload;
  return typeof w === 'object' && w !== null && typeof w.allowFrom === 'function' && typeof w.connectTo === 'function'
    && typeof w.addressFor === 'function' && Array.isArray(w.exposedPorts)
    && typeof w.selectorLabels === 'object' && Array.isArray(w.servingPorts) && typeof w.skippedRules === 'object';
}

/** A call, validated: the callee, the port, and the address as the caller writes it. */
export interface ResolvedCall {
  readonly callee: ISafeWorkload;
  readonly port: WorkloadPort;
  readonly address: string;
  readonly env?: string;
}

/** Namespace of the chart that holds `scope` (undefined: the chart names none). */
export function chartNamespace(scope: IConstruct): string | undefined {
  return Chart.of(scope).namespace;
}

/** The port of `callee` named `portName` (default: its first exposed port); fails naming `prop`. */
export function calleePort(scope: IConstruct, kind: string, prop: string, callee: ISafeWorkload, portName?: string): WorkloadPort {
  const ports = callee.exposedPorts;
  if (ports.length === 0) {
    fail(scope, kind, prop, callee.name, `a workload that exposes a port: ${callee.name} has no Service (give it \`port\` or \`ports\`)`);
  }
  if (portName === undefined) return ports[0];
  const port = ports.find((p) => p.name === portName);
  if (port === undefined) {
    fail(scope, kind, `${prop} port`, portName, `a port that ${callee.name} exposes: ${ports.map((p) => `"${p.name}"`).join(', ')}`);
  }
  return port;
}

/**
 * The address of `callee`'s Service on `port`, as a pod in `fromNamespace` writes it: the
 * short `<service>:<port>` in the same namespace, else `<service>.<namespace>.svc:<port>`.
 */
export function serviceAddress(scope: IConstruct, kind: string, prop: string, callee: ISafeWorkload, port: WorkloadPort, fromNamespace: string | undefined): string {
  const to = callee.namespaceName;
  if (to === fromNamespace) return `${callee.name}:${port.port}`;
  if (to === undefined || fromNamespace === undefined) {
    fail(scope, kind, prop, callee.name, `a workload whose namespace is known on both sides: ${to === undefined ? `the chart of ${callee.name}` : 'the chart of the caller'} names no namespace, so the address cannot be written (give both charts a namespace)`);
  }
  return `${callee.name}.${to}.svc:${port.port}`;
}

/** The NetworkPolicy port of a call: the container port behind the Service port. */
export function policyPort(port: WorkloadPort): NetworkPort {
  return { port: port.targetPort, protocol: port.protocol };
}

/** Ports as a NetworkPeer's withPorts or allowFrom take them: `[{ port: 9100 }]`. */
function portsText(ports: readonly WorkloadPort[]): string {
  return `[${ports.map((p) => `{ port: ${p.targetPort}${p.protocol === NetworkProtocol.TCP ? '' : `, protocol: NetworkProtocol.${p.protocol}`} }`).join(', ')}]`;
}

/**
 * Refuses a call (`calls`, `connectTo`) that NetworkPolicies cannot open:
 *
 * - from a workload to itself: a call to its own Service lands on any replica, and its
 *   NetworkPolicy admits only the peers it names, so it is a mistake more often than a design.
 *   Members that do talk to each other (a clustered store's replication or gossip) say so with
 *   `allowFrom` and `allowTo`, which open exactly that;
 * - to or from pods on the node's network (`hostNetwork`): their traffic carries the node's
 *   address, which no pod selector matches, and their own NetworkPolicy does not apply; the
 *   other side opens an ipBlock of the nodes' addresses instead, or hostNetwork goes.
 *
 * The caller's side is checked again at synth, when its pod template is written.
 * `portName`: the callee's port of the call (default: every exposed port).
 */
export function checkCall(scope: IConstruct, kind: string, prop: string, ownName: string, callee: ISafeWorkload, portName?: string): void {
  if (callee.name === ownName && callee.namespaceName === chartNamespace(scope)) {
    fail(scope, kind, prop, callee.name,
      `another workload: ${ownName} would call its own Service; for replicas that talk to each other (a clustered store), open it with w.allowFrom(NetworkPeer.workload(w)) and w.allowTo(NetworkPeer.workload(w))`);
  }
  const ports = callee.exposedPorts.filter((p) => portName === undefined || p.name === portName);
  const address = `and write ${callee.name}.addressFor(...) into the caller's env or files`;
  if (runsOnNodeNetwork(callee)) {
    fail(scope, kind, prop, callee.name, `a workload whose pods NetworkPolicies can name: ${callee.name} runs with hostNetwork, so its pods have their node's address, which no pod selector matches, and its own NetworkPolicy does not apply. `
      + `Let ${ownName} reach the nodes with allowTo(NetworkPeer.cidr('<the nodes\' CIDR>').withPorts(${portsText(ports)})) ${address}, or run ${callee.name} without hostNetwork`);
  }
  const checkCaller = () => {
    if (!runsOnNodeNetwork(scope)) return;
    fail(scope, kind, prop, callee.name, `a call from pods that NetworkPolicies can name: ${ownName} runs with hostNetwork, so its traffic has its node's address, which no pod selector matches, and its own NetworkPolicy does not apply. `
      + `Let the nodes reach ${callee.name} with ${callee.name}.allowFrom(NetworkPeer.cidr('<the nodes\' CIDR>'), ${portsText(ports)}) ${address}, or run ${ownName} without hostNetwork`);
  };
  checkCaller();
  scope.node.addValidation({ validate: () => { checkCaller(); return []; } });
}

/**
 * Validates the `calls` prop: each callee exposes the named port, env vars are unique and
 * not also in `env`, and nobody calls itself.
 */
export function resolveCalls(scope: IConstruct, kind: string, ownName: string, calls: readonly WorkloadCall[] | undefined, env: { [name: string]: string } | undefined): ResolvedCall[] {
  const envNames = new Map<string, string>();
  return (calls ?? []).map((call, i) => {
    const prop = `calls[${i}]`;
    const callee = call?.workload;
    if (!isSafeWorkload(callee)) fail(scope, kind, `${prop}.workload`, callee, 'a workload (ISafeWorkload) such as a SafeDeployment');
    checkCall(scope, kind, `${prop}.workload`, ownName, callee, call.port);
    const port = calleePort(scope, kind, prop, callee, call.port);
    const address = serviceAddress(scope, kind, `${prop}.workload`, callee, port, chartNamespace(scope));
    if (call.env !== undefined) {
      if (env !== undefined && call.env in env) {
        fail(scope, kind, `${prop}.env`, call.env, `an env var that \`env\` does not set too: the call writes "${address}" into it; remove ${call.env} from \`env\``);
      }
      const other = envNames.get(call.env);
      if (other !== undefined) fail(scope, kind, `${prop}.env`, call.env, `an env var that no other call writes (${other} writes it too)`);
      envNames.set(call.env, prop);
    }
    return { callee, port, address, env: call.env };
  });
}
