import { KUBERNETES_VERSION_ANNOTATION } from '../labels';

/** The target of an object without the annotation: 1.27, the oldest version the output must fit. */
export const DEFAULT_TARGET_MINOR = 27;

/** The Kubernetes minor version an object targets, and whether the object records it. */
export interface Target {
  readonly minor: number;
  /** Whether the object records its target (annotation `guardrails.cdk8s.io/kubernetes-version`). */
  readonly recorded: boolean;
}

/**
 * The Kubernetes version a manifest targets: the annotation `guardrails.cdk8s.io/kubernetes-version`
 * ("1.30"), else 1.27. It must fit that version and every newer one, so a rule an API server
 * relaxed in a later version holds until the target reaches it.
 */
export function kubernetesTarget(manifest: unknown): Target {
  const recorded = (manifest as any)?.metadata?.annotations?.[KUBERNETES_VERSION_ANNOTATION];
  const match = typeof recorded === 'string' ? /^1\.(\d+)$/.exec(recorded) : null;
  return match ? { minor: Number(match[1]), recorded: true } : { minor: DEFAULT_TARGET_MINOR, recorded: false };
}
