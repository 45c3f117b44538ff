import { NetworkPeer } from './network-peer';

/**
 * Something in a namespace that receives traffic from an ingress controller (a TlsIngress).
 * An IsolatedNamespace finds these among its children and opens its default-deny policy
 * to the controller's pods.
 */
export interface IIngressControllerClient {
  /** The ingress controller's pods, as a network peer. */
  readonly ingressControllerPeer: NetworkPeer;
  /**
   * Whether the construct itself opens the NetworkPolicies of its backends to the controller,
   * on their serving ports only. The namespace then adds no policy of its own for it, so the
   * controller reaches those backends and nothing else in the namespace.
   * @default false - the namespace opens every pod and port to the controller
   */
  readonly opensBackendsToIngressController?: boolean;
}

/** Whether a construct receives traffic from an ingress controller. */
export function isIngressControllerClient(x: unknown): x is IIngressControllerClient {
  return typeof x === 'object' && x !== null && (x as any).ingressControllerPeer instanceof NetworkPeer;
}
