import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { fail } from '../core/errors';
import { ResourcePreset } from '../workloads/resources';
import { ComputeResource, COMPUTE_RESOURCES, cpuToMillis, renderCompute, sizeToBytes } from './quantity';

/**
 * Explicit ResourceQuota values of a namespace. Every field is optional; a field left out
 * takes its value from the preset (`QuotaPreset.SMALL` unless another preset is chosen).
 */
export interface QuotaValues {
  /**
   * Sum of the CPU requests of all pods (`requests.cpu`).
   * @default - from the preset
   */
  readonly cpuRequests?: Cpu;
  /**
   * Sum of the CPU limits of all pods (`limits.cpu`). Containers without a CPU limit get
   * the LimitRange default, so this bounds pods x that default.
   * @default - from the preset
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
   * @default 0
   */
  readonly loadBalancers?: number;
  /**
   * Number of node ports (`services.nodeports`): each one opens a port on every node.
   * @default 0
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
 * Each preset admits its pod count at the LimitRange default CPU limit of one core
 * (`limits.cpu` = pods x 1), memory limits at twice the requests, and no load balancers
 * or node ports.
 */
export class QuotaPreset {
  /**
   * 4 CPU / 8Gi memory requested, 20 CPU / 16Gi limits, 16Gi / 40Gi ephemeral storage,
   * 20 pods, 10 services, 10 claims with 100Gi: a team with a few services. The default.
   */
  public static readonly SMALL = new QuotaPreset('SMALL', 4, 20, 8, 16, 16, 40, 20, 10, 10, 100);
  /**
   * 16 CPU / 32Gi memory requested, 80 CPU / 64Gi limits, 64Gi / 160Gi ephemeral storage,
   * 80 pods, 40 services, 40 claims with 500Gi.
   */
  public static readonly MEDIUM = new QuotaPreset('MEDIUM', 16, 80, 32, 64, 64, 160, 80, 40, 40, 500);
  /**
   * 64 CPU / 128Gi memory requested, 320 CPU / 256Gi limits, 256Gi / 640Gi ephemeral
   * storage, 320 pods, 160 services, 160 claims with 2Ti.
   */
  public static readonly LARGE = new QuotaPreset('LARGE', 64, 320, 128, 256, 256, 640, 320, 160, 160, 2048);

  private constructor(
    /** The preset's name. */
    public readonly name: string,
    private readonly cpuRequestCores: number,
    private readonly cpuLimitCores: number,
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
      cpuLimits: Cpu.units(this.cpuLimitCores),
      memoryRequests: Size.gibibytes(this.memoryRequestGi),
      memoryLimits: Size.gibibytes(this.memoryLimitGi),
      ephemeralStorageRequests: Size.gibibytes(this.ephemeralRequestGi),
      ephemeralStorageLimits: Size.gibibytes(this.ephemeralLimitGi),
      pods: this.podCount,
      services: this.serviceCount,
      loadBalancers: 0,
      nodePorts: 0,
      persistentVolumeClaims: this.claimCount,
      storageRequests: Size.gibibytes(this.storageGi),
    };
  }
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
   * CPU limit of a container that sets none (every container, with SafeDeployment's
   * defaults). It must be at least every CPU request without a limit.
   * @default Cpu.units(1)
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
   * Largest CPU limit of a container.
   * @default Cpu.units(4)
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

/** A resolved quota: amounts in base units (millicores, bytes, counts). */
export interface ResolvedQuota {
  readonly amounts: { [key in QuotaKey]: number };
  /** The property each amount came from, for error messages. */
  readonly source: { [key in QuotaKey]: string };
}

/** Resolves explicit values over a preset and validates them. */
export function resolveQuota(scope: IConstruct, kind: string, preset: QuotaPreset | undefined, explicit: QuotaValues | undefined): ResolvedQuota {
  const p = preset ?? QuotaPreset.SMALL;
  const base = p.values as any;
  const given = (explicit ?? {}) as any;
  const amounts: any = {};
  const source: any = {};
  for (const key of QUOTA_KEYS) {
    const prop = QUOTA_PROPS[key];
    const isExplicit = given[prop] !== undefined;
    const value = isExplicit ? given[prop] : base[prop];
    const propName = isExplicit ? `quota.${prop}` : `quotaPreset (${p.name}: ${key})`;
    let amount: number;
    if (typeof value === 'number') {
      amount = value;
      if (!Number.isInteger(amount) || amount < 0 || amount > 1000000) fail(scope, kind, propName, value, 'an integer from 0 to 1000000');
    } else if (key.endsWith('.cpu')) {
      amount = cpuToMillis(value as Cpu);
      if (!(amount >= 0)) fail(scope, kind, propName, (value as Cpu).amount, 'a CPU amount such as Cpu.units(4)');
    } else {
      amount = sizeToBytes(value as Size);
      if (!(amount >= 0)) fail(scope, kind, propName, String(amount), 'a size such as Size.gibibytes(8)');
    }
    amounts[key] = amount;
    source[key] = propName;
  }
  for (const r of ['cpu', 'memory', 'ephemeral-storage'] as ComputeResource[]) {
    const req = amounts[`requests.${r}`];
    const lim = amounts[`limits.${r}`];
    if (lim < req) {
      fail(scope, kind, source[`limits.${r}`], renderCompute(r, lim), `at least ${source[`requests.${r}`]} (${renderCompute(r, req)}): limits include the requests`);
    }
  }
  return { amounts, source };
}

/** Renders a resolved quota as ResourceQuota `spec.hard` strings and numbers. */
export function renderQuotaHard(q: ResolvedQuota): Array<[QuotaKey, string | number]> {
  return QUOTA_KEYS.map((key) => {
    const amount = q.amounts[key];
    if (key.endsWith('.cpu')) return [key, renderCompute('cpu', amount)];
    if (key.startsWith('requests.') || key.startsWith('limits.')) return [key, renderCompute('memory', amount)];
    return [key, amount];
  });
}

/** Per-resource container bounds of a LimitRange, in base units. */
export interface ResolvedLimits {
  readonly defaultRequest: { [r in ComputeResource]: number };
  readonly defaultLimit: { [r in ComputeResource]: number };
  readonly min: { [r in ComputeResource]: number };
  readonly max: { [r in ComputeResource]: number };
  /** The property each value came from, for error messages. */
  readonly source: { [field: string]: string };
}

const FIELD_PROPS: { [field: string]: { [r in ComputeResource]: keyof LimitRangeValues } } = {
  defaultRequest: { 'cpu': 'defaultCpuRequest', 'memory': 'defaultMemoryRequest', 'ephemeral-storage': 'defaultEphemeralStorageRequest' },
  defaultLimit: { 'cpu': 'defaultCpuLimit', 'memory': 'defaultMemoryLimit', 'ephemeral-storage': 'defaultEphemeralStorageLimit' },
  min: { 'cpu': 'minCpu', 'memory': 'minMemory', 'ephemeral-storage': 'minEphemeralStorage' },
  max: { 'cpu': 'maxCpu', 'memory': 'maxMemory', 'ephemeral-storage': 'maxEphemeralStorage' },
};

/** The field names of a LimitRange item for each resolved field. */
export const LIMIT_RANGE_FIELDS: { [field: string]: string } = {
  defaultRequest: 'defaultRequest', defaultLimit: 'default', min: 'min', max: 'max',
};

/** Resolves and validates the LimitRange: min <= defaultRequest <= default <= max. */
export function resolveLimits(scope: IConstruct, kind: string, preset: ResourcePreset | undefined, explicit: LimitRangeValues | undefined): ResolvedLimits {
  const p = preset ?? ResourcePreset.SMALL;
  const pv = p.values;
  const base: LimitRangeValues = {
    defaultCpuRequest: pv.cpuRequest,
    defaultMemoryRequest: pv.memoryRequest,
    defaultEphemeralStorageRequest: pv.ephemeralStorageRequest,
    defaultCpuLimit: Cpu.units(1),
    defaultMemoryLimit: pv.memoryLimit,
    defaultEphemeralStorageLimit: pv.ephemeralStorageLimit,
    minCpu: Cpu.millis(10),
    minMemory: Size.mebibytes(16),
    minEphemeralStorage: Size.mebibytes(16),
    maxCpu: Cpu.units(4),
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
      const propName = isExplicit || !fromPreset.has(prop)
        ? `containerLimits.${prop}`
        : `defaultResourcePreset (${p.name.toUpperCase()}: ${LIMIT_RANGE_FIELDS[field]} ${r})`;
      if (isExplicit) explicitProps.add(propName);
      const amount = r === 'cpu' ? cpuToMillis(value as Cpu) : sizeToBytes(value as Size);
      if (!(amount > 0)) {
        fail(scope, kind, propName, r === 'cpu' ? (value as Cpu).amount : String(amount),
          r === 'cpu' ? 'a positive CPU amount such as Cpu.millis(100)' : 'a positive size such as Size.mebibytes(128)');
      }
      out[field][r] = amount;
      out.source[`${field}.${r}`] = propName;
    }
  }
  for (const r of COMPUTE_RESOURCES) {
    const name = (field: string) => out.source[`${field}.${r}`];
    const check = (lower: string, upper: string, why: string) => {
      if (out[lower][r] <= out[upper][r]) return;
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
