import { IConstruct } from 'constructs';
import { fail } from '../core/errors';

/**
 * Targets set on constructs. Not construct context: cdk8s refuses context on a construct that
 * has children already, which every IsolatedNamespace has from its constructor on.
 */
const TARGETS = new WeakMap<IConstruct, KubernetesVersion>();
/** Workloads built with the target of their scopes, and the target they took. */
const TAKEN = new WeakMap<IConstruct, KubernetesVersion>();

/**
 * The target of a workload's scopes, recorded so that a later `setTarget` above it, which
 * it would not see, is an error rather than silently ignored.
 */
export function takeTarget(workload: IConstruct): KubernetesVersion {
  const version = KubernetesVersion.of(workload);
  TAKEN.set(workload, version);
  return version;
}

/**
 * A Kubernetes minor version that the output must fit. Fields newer than the target are
 * used only when it allows them; asking for one with an older target is an error that
 * names the version it needs.
 *
 * The default target is 1.27, the API that cdk8s-plus-27 models and the oldest version
 * the output is validated against. Raise it for the whole app or one chart with
 * `KubernetesVersion.setTarget(scope, KubernetesVersion.V1_30)`, or per workload with the
 * `kubernetesVersion` prop.
 */
export class KubernetesVersion {
  /** Kubernetes 1.27. */
  public static readonly V1_27 = new KubernetesVersion(27);
  /** Kubernetes 1.28. */
  public static readonly V1_28 = new KubernetesVersion(28);
  /** Kubernetes 1.29: native sidecars (init containers with `restartPolicy: Always`). */
  public static readonly V1_29 = new KubernetesVersion(29);
  /** Kubernetes 1.30: the native `sleep` preStop action (beta, on by default). */
  public static readonly V1_30 = new KubernetesVersion(30);
  /** Kubernetes 1.31. */
  public static readonly V1_31 = new KubernetesVersion(31);
  /** Kubernetes 1.32. */
  public static readonly V1_32 = new KubernetesVersion(32);
  /** Kubernetes 1.33. */
  public static readonly V1_33 = new KubernetesVersion(33);
  /** Kubernetes 1.34. */
  public static readonly V1_34 = new KubernetesVersion(34);
  /** Kubernetes 1.35. */
  public static readonly V1_35 = new KubernetesVersion(35);

  /** The default target when none is set: 1.27. */
  public static readonly DEFAULT = KubernetesVersion.V1_27;

  /**
   * Any 1.x minor version from 1.27 on.
   * @param minor the minor version, e.g. 31 for 1.31
   * @throws when `minor` is not a whole number of at least 27
   */
  public static fromMinor(minor: number): KubernetesVersion {
    if (!Number.isInteger(minor) || minor < 27 || minor > 999) {
      throw new Error(`KubernetesVersion: invalid minor version ${minor}; expected a whole number from 27 (Kubernetes 1.27, the oldest supported) on.`);
    }
    return new KubernetesVersion(minor);
  }

  /**
   * Sets the target version for every workload under `scope` (an App, a Chart or an
   * IsolatedNamespace), unless a workload sets `kubernetesVersion` itself. Call it before the
   * workloads are created.
   * @throws when the scope has a different target already, or when workloads under the
   * scope were already built with another target (it would not reach them)
   */
  public static setTarget(scope: IConstruct, version: KubernetesVersion): void {
    if (!(version instanceof KubernetesVersion)) {
      fail(scope, 'KubernetesVersion', 'version', version, 'a KubernetesVersion such as KubernetesVersion.V1_30');
    }
    const set = TARGETS.get(scope);
    if (set !== undefined && set.minor !== version.minor) {
      fail(scope, 'KubernetesVersion', 'setTarget', version.name, `one target per scope: it is set to ${set.name} already; set it once, or per workload with kubernetesVersion`);
    }
    const built = scope.node.findAll().filter((c) => TAKEN.has(c) && TAKEN.get(c)!.minor !== version.minor);
    if (built.length > 0) {
      const shown = built.slice(0, 5).map((c) => `'${c.node.path}' (${TAKEN.get(c)!.name})`).join(', ');
      fail(scope, 'KubernetesVersion', 'setTarget', version.name,
        `a call before the workloads are created: ${built.length === 1 ? 'a workload was' : `${built.length} workloads were`} built with another target already and would not change: ${shown}${built.length > 5 ? ', ...' : ''}; call setTarget first, or set kubernetesVersion on each workload`);
    }
    TARGETS.set(scope, version);
  }

  /** The target version at `scope`: the nearest `setTarget`, else `KubernetesVersion.DEFAULT`. */
  public static of(scope: IConstruct): KubernetesVersion {
    for (const c of [...scope.node.scopes].reverse()) {
      const target = TARGETS.get(c);
      if (target !== undefined) return target;
    }
    return KubernetesVersion.DEFAULT;
  }

  private constructor(
    /** The minor version: 30 for 1.30. */
    public readonly minor: number,
  ) {}

  /** "1.30". */
  public get name(): string {
    return `1.${this.minor}`;
  }

  /** Whether this version is `other` or newer. */
  public atLeast(other: KubernetesVersion): boolean {
    return this.minor >= other.minor;
  }
}
