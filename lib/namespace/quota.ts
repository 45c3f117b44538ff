import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { fail } from '../core/errors';
import { ResourcePreset } from '../workloads/resources';
import { ComputeResource, COMPUTE_RESOURCES, cpuMillis, renderCompute, sizeToBytes } from '../core/quantity';

/** The largest amount written (bytes or millicores): a whole number that JSON and the API server keep exactly. */
const MAX_AMOUNT = Number.MAX_SAFE_INTEGER;

/**
 * Explicit ResourceQuota values of a namespace. Every field is optional; a field left out
 * takes its value from the preset (`QuotaPreset.SMALL` unless another preset is chosen).
 */
export interface QuotaValues {
  /**
   * Nodes the cluster runs, for the DaemonSets of the namespace: each runs one pod per node,
   * so each counts this many pods (with their requests and limits) against the quota. A
   * whole number from 1 to 100000.
   * @default - none: a DaemonSet in a namespace whose quota bounds pods, CPU or memory is an
   * error, since its pods on nodes past the quota would be refused
   */
  readonly expectedNodes?: number;
  /**
   * Sum of the CPU requests of all pods (`requests.cpu`).
   * @default - from the preset
   */
  readonly cpuRequests?: Cpu;
  /**
   * Sum of the CPU limits of all pods (`limits.cpu`). With it, the API server rejects every
   * pod with a container that has no CPU limit, so every container of the namespace needs
   * one: its own (`resources.cpuLimit`) or the LimitRange default
   * (`containerLimits.defaultCpuLimit`). SafeDeployment sets no CPU limit by default.
   * @default - none: CPU is bounded by `cpuRequests` only (no CPU limits is the library's policy)
   */
  readonly cpuLimits?: Cpu;
  /**
   * Sum of the memory requests (`requests.memory`).
   * @default - from the preset
   */
  readonly memoryRequests?: Size;
  /**
   * Sum of the memory limits (`limits.memory`).
   * @default - from the preset
   */
  readonly memoryLimits?: Size;
  /**
   * Sum of the ephemeral-storage requests (`requests.ephemeral-storage`).
   * @default - from the preset
   */
  readonly ephemeralStorageRequests?: Size;
  /**
   * Sum of the ephemeral-storage limits (`limits.ephemeral-storage`).
   * @default - from the preset
   */
  readonly ephemeralStorageLimits?: Size;
  /**
   * Number of pods that are not finished (`pods`).
   * @default - from the preset
   */
  readonly pods?: number;
  /**
   * Number of Services (`services`).
   * @default - from the preset
   */
  readonly services?: number;
  /**
   * Number of Services of type LoadBalancer (`services.loadbalancers`): each one is a cloud
   * load balancer that costs money and is reachable from outside.
   * @default - exactly the load balancers of the namespace's Services exposed with a reason
   * (ExternalService, rule `network-exposure`); 0 without any. No preset sets it.
   */
  readonly loadBalancers?: number;
  /**
   * Number of node ports (`services.nodeports`): each one opens a port on every node. A
   * NodePort Service takes one per port, and so does a LoadBalancer Service.
   * @default - exactly the node ports of the namespace's Services exposed with a reason
   * (ExternalService, rule `network-exposure`); 0 without any. No preset sets it.
   */
  readonly nodePorts?: number;
  /**
   * Number of PersistentVolumeClaims (`persistentvolumeclaims`).
   * @default - from the preset
   */
  readonly persistentVolumeClaims?: number;
  /**
   * Sum of the storage requested by PersistentVolumeClaims (`requests.storage`).
   * @default - from the preset
   */
  readonly storageRequests?: Size;
}

/**
 * Named ResourceQuota sizes for a namespace. Explicit `QuotaValues` override single fields.
 *
 * Each preset bounds CPU by its requests only (no `limits.cpu`: containers need no CPU
 * limit, the library's policy) and memory limits at twice the requests. No preset sets load
 * balancers or node ports: the namespace allows exactly those of its Services exposed with a
 * reason (ExternalService), unless `quota.loadBalancers` / `quota.nodePorts` say otherwise.
 */
export class QuotaPreset {
  /**
   * 4 CPU requested, 8Gi / 16Gi memory requests / limits, 16Gi / 40Gi ephemeral-storage
   * requests / limits, 20 pods, 10 services, 10 claims with 100Gi: a team with a few
   * services. The default.
   */
  public static readonly SMALL = new QuotaPreset('SMALL', 4, 8, 16, 16, 40, 20, 10, 10, 100);
  /**
   * 16 CPU requested, 32Gi / 64Gi memory requests / limits, 64Gi / 160Gi ephemeral-storage
   * requests / limits, 80 pods, 40 services, 40 claims with 500Gi.
   */
  public static readonly MEDIUM = new QuotaPreset('MEDIUM', 16, 32, 64, 64, 160, 80, 40, 40, 500);
  /**
   * 64 CPU requested, 128Gi / 256Gi memory requests / limits, 256Gi / 640Gi
   * ephemeral-storage requests / limits, 320 pods, 160 services, 160 claims with 2Ti.
   */
  public static readonly LARGE = new QuotaPreset('LARGE', 64, 128, 256, 256, 640, 320, 160, 160, 2048);

  private constructor(
    /** The preset's name. */
    public readonly name: string,
    private readonly cpuRequestCores: number,
    private readonly memoryRequestGi: number,
    private readonly memoryLimitGi: number,
    private readonly ephemeralRequestGi: number,
    private readonly ephemeralLimitGi: number,
    private readonly podCount: number,
    private readonly serviceCount: number,
    private readonly claimCount: number,
    private readonly storageGi: number,
  ) {}

  /** The values of this preset. */
  public get values(): QuotaValues {
    return {
      cpuRequests: Cpu.units(this.cpuRequestCores),
      memoryRequests: Size.gibibytes(this.memoryRequestGi),
      memoryLimits: Size.gibibytes(this.memoryLimitGi),
      ephemeralStorageRequests: Size.gibibytes(this.ephemeralRequestGi),
      ephemeralStorageLimits: Size.gibibytes(this.ephemeralLimitGi),
      pods: this.podCount,
      services: this.serviceCount,
      persistentVolumeClaims: this.claimCount,
      storageRequests: Size.gibibytes(this.storageGi),
    };
  }
}

/** Every QuotaPreset, smallest first. */
export function quotaPresets(): QuotaPreset[] {
  return [QuotaPreset.SMALL, QuotaPreset.MEDIUM, QuotaPreset.LARGE];
}

/**
 * Explicit LimitRange values for the containers of a namespace. Fields left out take their
 * value from `defaultResourcePreset` (the defaults) or from the built-in min and max.
 */
export interface LimitRangeValues {
  /**
   * CPU request of a container that sets none.
   * @default - the preset's CPU request (100m for ResourcePreset.SMALL)
   */
  readonly defaultCpuRequest?: Cpu;
  /**
   * Memory request of a container that sets none.
   * @default - the preset's memory request (128Mi for ResourcePreset.SMALL)
   */
  readonly defaultMemoryRequest?: Size;
  /**
   * Ephemeral-storage request of a container that sets none.
   * @default - the preset's request (256Mi for ResourcePreset.SMALL)
   */
  readonly defaultEphemeralStorageRequest?: Size;
  /**
   * CPU limit the LimitRange gives a container that sets none (every container, with
   * SafeDeployment's defaults). It must be at least every CPU request without a limit.
   * Needed with `maxCpu`, and with `quota.cpuLimits` unless every container sets a CPU limit.
   * @default - none: containers without a CPU limit stay unlimited (library policy)
   */
  readonly defaultCpuLimit?: Cpu;
  /**
   * Memory limit of a container that sets none.
   * @default - the preset's memory limit (128Mi for ResourcePreset.SMALL)
   */
  readonly defaultMemoryLimit?: Size;
  /**
   * Ephemeral-storage limit of a container that sets none.
   * @default - the preset's limit (1Gi for ResourcePreset.SMALL)
   */
  readonly defaultEphemeralStorageLimit?: Size;
  /**
   * Smallest CPU request or limit of a container.
   * @default Cpu.millis(10)
   */
  readonly minCpu?: Cpu;
  /**
   * Smallest memory request or limit of a container.
   * @default Size.mebibytes(16)
   */
  readonly minMemory?: Size;
  /**
   * Smallest ephemeral-storage request or limit of a container.
   * @default Size.mebibytes(16)
   */
  readonly minEphemeralStorage?: Size;
  /**
   * Largest CPU limit of a container. A LimitRange max makes a CPU limit mandatory, so it
   * needs `defaultCpuLimit` for the containers that set none.
   * @default - none: containers without a CPU limit stay unlimited (library policy)
   */
  readonly maxCpu?: Cpu;
  /**
   * Largest memory limit of a container.
   * @default Size.gibibytes(8)
   */
  readonly maxMemory?: Size;
  /**
   * Largest ephemeral-storage limit of a container.
   * @default Size.gibibytes(16)
   */
  readonly maxEphemeralStorage?: Size;
}

/** The quota keys the namespace bounds, in output order. */
export const QUOTA_KEYS = [
  'requests.cpu', 'limits.cpu', 'requests.memory', 'limits.memory',
  'requests.ephemeral-storage', 'limits.ephemeral-storage',
  'pods', 'services', 'services.loadbalancers', 'services.nodeports',
  'persistentvolumeclaims', 'requests.storage',
] as const;
export type QuotaKey = typeof QUOTA_KEYS[number];

/** The QuotaValues property that sets each quota key. */
export const QUOTA_PROPS: { [key in QuotaKey]: keyof QuotaValues } = {
  'requests.cpu': 'cpuRequests',
  'limits.cpu': 'cpuLimits',
  'requests.memory': 'memoryRequests',
  'limits.memory': 'memoryLimits',
  'requests.ephemeral-storage': 'ephemeralStorageRequests',
  'limits.ephemeral-storage': 'ephemeralStorageLimits',
  'pods': 'pods',
  'services': 'services',
  'services.loadbalancers': 'loadBalancers',
  'services.nodeports': 'nodePorts',
  'persistentvolumeclaims': 'persistentVolumeClaims',
  'requests.storage': 'storageRequests',
};

/**
 * Quota keys that, unless given in `quota`, allow exactly what the namespace's Services
 * exposed with a reason need (ExternalService, rule `network-exposure`), counted at synthesis.
 */
export const EXPOSURE_KEYS: readonly QuotaKey[] = ['services.loadbalancers', 'services.nodeports'];

/** A resolved quota: amounts in base units (millicores, bytes, counts); keys left unbounded are absent. */
export interface ResolvedQuota {
  /** For the EXPOSURE_KEYS in `fromExposure`: 0 until the exposed Services are counted. */
  readonly amounts: { [key in QuotaKey]?: number };
  /** The property each amount came from, for error messages. */
  readonly source: { [key in QuotaKey]?: string };
  /** The EXPOSURE_KEYS that `quota` leaves out: their amount is what the exposed Services need. */
  readonly fromExposure: readonly QuotaKey[];
  /** `quota.expectedNodes`: the pods each DaemonSet counts; undefined when not given. */
  readonly expectedNodes?: number;
}

/** Resolves explicit values over a preset and validates them. */
export function resolveQuota(scope: IConstruct, kind: string, preset: QuotaPreset | undefined, explicit: QuotaValues | undefined): ResolvedQuota {
  const p = preset ?? QuotaPreset.SMALL;
  const base = p.values as any;
  const given = (explicit ?? {}) as any;
  const amounts: any = {};
  const source: any = {};
  const fromExposure: QuotaKey[] = [];
  for (const key of QUOTA_KEYS) {
    const prop = QUOTA_PROPS[key];
    const isExplicit = given[prop] !== undefined;
    if (!isExplicit && EXPOSURE_KEYS.includes(key)) {
      amounts[key] = 0;
      source[key] = `quota.${prop}`;
      fromExposure.push(key);
      continue;
    }
    const value = isExplicit ? given[prop] : base[prop];
    if (value === undefined) continue; // not bounded (limits.cpu unless given)
    const propName = isExplicit ? `quota.${prop}` : `quotaPreset (${p.name}: ${key})`;
    let amount: number;
    if (typeof value === 'number') {
      amount = value;
      if (!Number.isInteger(amount) || amount < 0 || amount > 1000000) fail(scope, kind, propName, value, 'an integer from 0 to 1000000');
    } else if (key.endsWith('.cpu')) {
      amount = cpuMillis(value as Cpu);
      if (!(amount >= 0) || amount > MAX_AMOUNT) fail(scope, kind, propName, (value as Cpu).amount, 'a CPU amount such as Cpu.units(4)');
    } else {
      amount = sizeToBytes(value as Size);
      if (!(amount >= 0) || amount > MAX_AMOUNT) fail(scope, kind, propName, String(amount), 'a size such as Size.gibibytes(8), at most 8 PiB');
    }
    amounts[key] = amount;
    source[key] = propName;
  }
  for (const r of ['cpu', 'memory', 'ephemeral-storage'] as ComputeResource[]) {
    const req = amounts[`requests.${r}`];
    const lim = amounts[`limits.${r}`];
    if (lim !== undefined && req !== undefined && lim < req) {
      fail(scope, kind, source[`limits.${r}`], renderCompute(r, lim), `at least ${source[`requests.${r}`]} (${renderCompute(r, req)}): limits include the requests`);
    }
  }
  const nodes = given.expectedNodes;
  if (nodes !== undefined && (typeof nodes !== 'number' || !Number.isInteger(nodes) || nodes < 1 || nodes > 100000)) {
    fail(scope, kind, 'quota.expectedNodes', nodes, 'a whole number of nodes from 1 to 100000');
  }
  return { amounts, source, fromExposure, expectedNodes: nodes };
}

/**
 * Renders a resolved quota as ResourceQuota `spec.hard` quantities, every one a string:
 * the API server stores counts as quantities too and reads `pods: 20` back as "20".
 */
export function renderQuotaHard(q: ResolvedQuota): Array<[QuotaKey, string]> {
  const out: Array<[QuotaKey, string]> = [];
  for (const key of QUOTA_KEYS) {
    const amount = q.amounts[key];
    if (amount === undefined) continue;
    out.push([key, renderQuotaAmount(key, amount)]);
  }
  return out;
}

/** Renders one quota amount as the API server writes it ("4", "500m", "16Gi", "20"). */
export function renderQuotaAmount(key: QuotaKey, amount: number): string {
  if (key.endsWith('.cpu')) return renderCompute('cpu', amount);
  if (key.startsWith('requests.') || key.startsWith('limits.')) return renderCompute('memory', amount);
  return String(amount);
}

/**
 * Per-resource container bounds of a LimitRange, in base units. The CPU default limit and
 * max are absent unless asked for: containers without a CPU limit stay unlimited.
 */
export interface ResolvedLimits {
  readonly defaultRequest: { [r in ComputeResource]: number };
  readonly defaultLimit: { [r in ComputeResource]?: number };
  readonly min: { [r in ComputeResource]: number };
  readonly max: { [r in ComputeResource]?: number };
  /** The property each value came from, for error messages. */
  readonly source: { [field: string]: string };
}

export const FIELD_PROPS: { [field: string]: { [r in ComputeResource]: keyof LimitRangeValues } } = {
  defaultRequest: { 'cpu': 'defaultCpuRequest', 'memory': 'defaultMemoryRequest', 'ephemeral-storage': 'defaultEphemeralStorageRequest' },
  defaultLimit: { 'cpu': 'defaultCpuLimit', 'memory': 'defaultMemoryLimit', 'ephemeral-storage': 'defaultEphemeralStorageLimit' },
  min: { 'cpu': 'minCpu', 'memory': 'minMemory', 'ephemeral-storage': 'minEphemeralStorage' },
  max: { 'cpu': 'maxCpu', 'memory': 'maxMemory', 'ephemeral-storage': 'maxEphemeralStorage' },
};

/** The field names of a LimitRange item for each resolved field. */
export const LIMIT_RANGE_FIELDS: { [field: string]: string } = {
  defaultRequest: 'defaultRequest', defaultLimit: 'default', min: 'min', max: 'max',
};

/**
 * Resolves and validates the LimitRange: min <= defaultRequest <= default <= max, and a max
 * only with a default limit.
 */
export function resolveLimits(scope: IConstruct, kind: string, preset: ResourcePreset | undefined, explicit: LimitRangeValues | undefined): ResolvedLimits {
  const p = preset ?? ResourcePreset.SMALL;
  const pv = p.values;
  const base: LimitRangeValues = {
    defaultCpuRequest: pv.cpuRequest,
    defaultMemoryRequest: pv.memoryRequest,
    defaultEphemeralStorageRequest: pv.ephemeralStorageRequest,
    defaultCpuLimit: undefined,
    defaultMemoryLimit: pv.memoryLimit,
    defaultEphemeralStorageLimit: pv.ephemeralStorageLimit,
    minCpu: Cpu.millis(10),
    minMemory: Size.mebibytes(16),
    minEphemeralStorage: Size.mebibytes(16),
    maxCpu: undefined,
    maxMemory: Size.gibibytes(8),
    maxEphemeralStorage: Size.gibibytes(16),
  };
  const fromPreset = new Set<keyof LimitRangeValues>(['defaultCpuRequest', 'defaultMemoryRequest', 'defaultEphemeralStorageRequest', 'defaultMemoryLimit', 'defaultEphemeralStorageLimit']);
  const given = (explicit ?? {}) as any;
  const out: any = { defaultRequest: {}, defaultLimit: {}, min: {}, max: {}, source: {} };
  const explicitProps = new Set<string>();
  for (const field of Object.keys(FIELD_PROPS)) {
    for (const r of COMPUTE_RESOURCES) {
      const prop = FIELD_PROPS[field][r];
      const isExplicit = given[prop] !== undefined;
      const value = isExplicit ? given[prop] : (base as any)[prop];
      if (value === undefined) continue; // no CPU default limit or max unless given
      const propName = isExplicit || !fromPreset.has(prop)
        ? `containerLimits.${prop}`
        : `defaultResourcePreset (${p.name.toUpperCase()}: ${LIMIT_RANGE_FIELDS[field]} ${r})`;
      if (isExplicit) explicitProps.add(propName);
      const amount = r === 'cpu' ? cpuMillis(value as Cpu) : sizeToBytes(value as Size);
      if (!(amount > 0) || amount > MAX_AMOUNT) {
        fail(scope, kind, propName, r === 'cpu' ? (value as Cpu).amount : String(amount),
          r === 'cpu' ? 'a positive CPU amount such as Cpu.millis(100)' : 'a positive size such as Size.mebibytes(128)');
      }
      out[field][r] = amount;
      out.source[`${field}.${r}`] = propName;
    }
  }
  for (const r of COMPUTE_RESOURCES) {
    const name = (field: string) => out.source[`${field}.${r}`];
    if (out.max[r] !== undefined && out.defaultLimit[r] === undefined) {
      const prop = FIELD_PROPS.defaultLimit[r];
      fail(scope, kind, name('max'), renderCompute(r, out.max[r]),
        `containerLimits.${prop} as well, or no ${FIELD_PROPS.max[r]}: with a LimitRange max ${r} every container needs a ${r} limit `
        + `(the API server rejects a container without one unless a default limit exists), and the API server fills a missing default limit with the max, `
        + `giving every container without a ${r} limit${r === 'cpu' ? ' (SafeDeployment sets none by default)' : ''} a limit of ${renderCompute(r, out.max[r])}`);
    }
    const check = (lower: string, upper: string, why: string) => {
      if (out[lower][r] === undefined || out[upper][r] === undefined || out[lower][r] <= out[upper][r]) return;
      // Blame the value the user set; when both or neither were set, blame the lower one.
      const target = explicitProps.has(name(upper)) && !explicitProps.has(name(lower)) ? upper : lower;
      const against = target === lower ? upper : lower;
      fail(scope, kind, name(target), renderCompute(r, out[target][r]),
        `${target === lower ? 'at most' : 'at least'} ${name(against)} (${renderCompute(r, out[against][r])}): ${why}`);
    };
    check('min', 'max', `the LimitRange ${r} min must not exceed its max`);
    check('defaultLimit', 'max', `the LimitRange default ${r} limit must not exceed its max`);
    check('defaultRequest', 'defaultLimit', `the LimitRange defaultRequest ${r} must not exceed its default limit`);
    check('min', 'defaultRequest', `the LimitRange ${r} min must not exceed its defaultRequest`);
  }
  return out as ResolvedLimits;
}
