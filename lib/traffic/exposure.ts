/**
 * Services reachable from outside the cluster (type LoadBalancer or NodePort), and whether
 * the NetworkPolicies of their pods let that traffic in. A load balancer whose pods refuse
 * the outside world answers nothing, and nothing else in the manifests says so.
 *
 * Where the traffic comes from, as the pods see it:
 * - `externalTrafficPolicy: Local` with `loadBalancerSourceRanges`: the client addresses of
 *   those ranges (the load balancer admits no others);
 * - otherwise any address of each of the Service's IP families (`0.0.0.0/0`, `::/0`; IPv4
 *   unless `spec.ipFamilies` says otherwise): with `Cluster` (the default) the pods see the
 *   address of whichever node forwarded the packet, which the app does not know.
 *
 * @see https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/#preserving-the-client-source-ip
 */
import { NetworkPolicyEvaluator } from './evaluator';
import { ServiceInfo, TrafficModel, Workload, resolveTargetPort, servicePods } from './model';

/** Service types that open the pods to the world outside the cluster. */
export const EXTERNAL_SERVICE_TYPES: readonly string[] = ['LoadBalancer', 'NodePort'];

/** Every address of an IP family. */
export const ANY_ADDRESS: { readonly [family: string]: string } = { IPv4: '0.0.0.0/0', IPv6: '::/0' };

/** Whether a Service is reachable from outside the cluster. */
export function isExternalService(service: ServiceInfo): boolean {
  return EXTERNAL_SERVICE_TYPES.includes(service.type);
}

/** Where a Service's outside traffic comes from as its pods see it, and why. */
export function exposureSources(service: ServiceInfo): { readonly cidrs: readonly string[]; readonly why: string } {
  const ranges = service.type === 'LoadBalancer' ? service.loadBalancerSourceRanges : [];
  if (ranges.length > 0 && service.externalTrafficPolicy === 'Local') return { cidrs: ranges, why: 'its loadBalancerSourceRanges' };
  const cidrs = service.ipFamilies.map((f) => ANY_ADDRESS[f]).filter((c): c is string => c !== undefined);
  if (ranges.length > 0) {
    return { cidrs, why: 'any address: with externalTrafficPolicy Cluster the pods see the address of the node that forwarded the traffic, not the client\'s' };
  }
  return { cidrs, why: 'any address' };
}

/** Outside traffic of a Service that the NetworkPolicies of its pods refuse, on one port. */
export interface DroppedExposure {
  readonly service: ServiceInfo;
  /** Index of the port in the Service's `spec.ports`. */
  readonly portIndex: number;
  readonly workload: Workload;
  /** The container port the Service sends to. */
  readonly targetPort: number;
  readonly protocol: string;
  /** The address blocks refused. */
  readonly refused: readonly string[];
  /** One line: the Service, the port, the workload, the policies and what they refuse. */
  readonly message: string;
  /** One line: the rule to add. */
  readonly fix: string;
}

/** Every port of an external Service whose pods' ingress refuses the outside traffic, in a stable order. */
export function droppedExposures(model: TrafficModel, evaluator = new NetworkPolicyEvaluator(model)): DroppedExposure[] {
  const out: DroppedExposure[] = [];
  for (const service of model.services.filter(isExternalService)) {
    const { cidrs, why } = exposureSources(service);
    const specPorts: any[] = Array.isArray(service.manifest?.spec?.ports) ? service.manifest.spec.ports : [];
    for (const workload of servicePods(model, service)) {
      for (const port of service.ports) {
        const targetPort = resolveTargetPort(port, workload);
        if (targetPort === undefined) continue;
        const verdicts = cidrs.map((cidr) => ({ cidr, v: evaluator.allows({ cidr }, { pods: workload }, targetPort, port.protocol) }));
        const refused = verdicts.filter((x) => !x.v.allowed);
        if (refused.length === 0) continue;
        const policies = refused[0].v.ingress?.policies ?? [];
        const portText = `${port.protocol} ${targetPort}`;
        const rangesUnseen = service.loadBalancerSourceRanges.length > 0 && service.externalTrafficPolicy !== 'Local' && service.type === 'LoadBalancer';
        const from = refused.map((x) => `{ipBlock {cidr: ${x.cidr}}}`).join(', ');
        out.push({
          service,
          portIndex: Math.max(0, specPorts.findIndex((p) => Number(p?.port) === port.port && String(p?.protocol ?? 'TCP').toUpperCase() === port.protocol)),
          workload,
          targetPort,
          protocol: port.protocol,
          refused: refused.map((x) => x.cidr),
          message: `Service ${service.namespace}/${service.name} (${service.type}) sends port ${port.port} to ${workload.kind} ${workload.namespace}/${workload.name} on ${portText}, `
            + `but the ingress of ${workload.name} (NetworkPolicy ${policies.join(', ')}) refuses traffic from ${refused.map((x) => x.cidr).join(' and ')} (${why})`,
          fix: rangesUnseen
            ? `set spec.externalTrafficPolicy: Local on Service ${service.name} so the pods see the client's address, and let its loadBalancerSourceRanges in: add an ingress rule to ${workload.name}'s NetworkPolicy from ${service.loadBalancerSourceRanges.map((c) => `{ipBlock {cidr: ${c}}}`).join(', ')} on ${portText} (ExternalService does both)`
            : `add an ingress rule to ${workload.name}'s NetworkPolicy: from ${from} on ${portText} (ExternalService opens it with the Service)`,
        });
      }
    }
  }
  return out;
}
