import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { fail } from '../core/errors';
import { cpuMillis, renderBytes, renderMillis } from '../core/quantity';
import { checkQuantity } from '../core/validate';
import { checkSize } from '../core/validation/units';

/**
 * Explicit compute resources of a container. Every field is optional; a field left out
 * takes its value from the preset (`ResourcePreset.SMALL` unless another preset is chosen).
 */
export interface ResourceValues {
  /**
   * CPU request.
   * @default - from the preset
   */
  readonly cpuRequest?: Cpu;
  /**
   * CPU limit. Not set by default: CFS throttling adds latency long before a node is
   * busy, and the request already guarantees the container its share.
   * @default - no CPU limit
   */
  readonly cpuLimit?: Cpu;
  /**
   * Memory request.
   * @default - from the preset
   */
  readonly memoryRequest?: Size;
  /**
   * Memory limit: memory is not compressible, so an unbounded container starves its
   * neighbours.
   * @default - from the preset (equal to the request: Guaranteed memory)
   */
  readonly memoryLimit?: Size;
  /**
   * Ephemeral-storage request (logs, emptyDir, writable layers).
   * @default - from the preset
   */
  readonly ephemeralStorageRequest?: Size;
  /**
   * Ephemeral-storage limit: a runaway log or temp file evicts only this pod.
   * @default - from the preset
   */
  readonly ephemeralStorageLimit?: Size;
}

/**
 * Named resource sizes for a container. Explicit `ResourceValues` override single fields.
 */
export class ResourcePreset {
  /** 50m CPU, 64Mi memory (limit 64Mi), 128Mi/512Mi ephemeral storage: sidecars and small workers. */
  public static readonly NANO = new ResourcePreset('nano', 50, 64, 128, 512);
  /** 100m CPU, 128Mi memory (limit 128Mi), 256Mi/1Gi ephemeral storage: the default. */
  public static readonly SMALL = new ResourcePreset('small', 100, 128, 256, 1024);
  /** 250m CPU, 512Mi memory (limit 512Mi), 512Mi/2Gi ephemeral storage. */
  public static readonly MEDIUM = new ResourcePreset('medium', 250, 512, 512, 2048);
  /** 1 CPU, 2Gi memory (limit 2Gi), 1Gi/4Gi ephemeral storage. */
  public static readonly LARGE = new ResourcePreset('large', 1000, 2048, 1024, 4096);

  private constructor(
    /** The preset's name. */
    public readonly name: string,
    private readonly cpuMillis: number,
    private readonly memoryMebibytes: number,
    private readonly ephemeralRequestMebibytes: number,
    private readonly ephemeralLimitMebibytes: number,
  ) {}

  /** The values of this preset. */
  public get values(): ResourceValues {
    return {
      cpuRequest: Cpu.millis(this.cpuMillis),
      memoryRequest: Size.mebibytes(this.memoryMebibytes),
      memoryLimit: Size.mebibytes(this.memoryMebibytes),
      ephemeralStorageRequest: Size.mebibytes(this.ephemeralRequestMebibytes),
      ephemeralStorageLimit: Size.mebibytes(this.ephemeralLimitMebibytes),
    };
  }
}

/** Resources rendered as a Kubernetes ResourceRequirements object. */
export interface RenderedResources {
  readonly requests: { [name: string]: string };
  readonly limits: { [name: string]: string };
}

/** Millicores of a CPU amount, which must be a Kubernetes quantity ("250m", not "1e+300m" or "NaN") above zero. */
function checkCpu(scope: IConstruct, kind: string, prop: string, cpu: Cpu, example: string): number {
  checkQuantity(scope, kind, prop, String(cpu.amount), false);
  const millis = cpuMillis(cpu);
  if (!(millis > 0)) fail(scope, kind, prop, cpu.amount, `a positive CPU amount such as ${example}`);
  return millis;
}

/**
 * Resolves explicit values over a preset, validates them and renders them.
 * Sizes are rendered here rather than by cdk8s-plus, which rounds ephemeral storage to
 * whole GiB and throws on 256Mi. `prop` names the values in errors ('sidecars[0].resources').
 */
export function resolveResources(scope: IConstruct, kind: string, preset: ResourcePreset | undefined, explicit: ResourceValues | undefined, prop = 'resources'): RenderedResources {
  const base = (preset ?? ResourcePreset.SMALL).values;
  const v: ResourceValues = { ...base, ...stripUndefined(explicit ?? {}) };

  const cpuReq = checkCpu(scope, kind, `${prop}.cpuRequest`, v.cpuRequest!, 'Cpu.millis(100)');
  const requests: { [name: string]: string } = { 'cpu': renderMillis(cpuReq) };
  const limits: { [name: string]: string } = {};
  if (v.cpuLimit) {
    const cpuLim = checkCpu(scope, kind, `${prop}.cpuLimit`, v.cpuLimit, 'Cpu.millis(500)');
    if (cpuLim < cpuReq) {
      if (blameRequest(explicit, 'cpuRequest', 'cpuLimit')) fail(scope, kind, `${prop}.cpuRequest`, v.cpuRequest!.amount, `a CPU request at most the limit of the preset (${renderMillis(cpuLim)}), or set cpuLimit too`);
      fail(scope, kind, `${prop}.cpuLimit`, v.cpuLimit.amount, `a CPU limit at least the request (${renderMillis(cpuReq)})`);
    }
    limits.cpu = renderMillis(cpuLim);
  }
  const pairs: Array<[string, string, Size, Size]> = [
    ['memory', 'memory', v.memoryRequest!, v.memoryLimit!],
    ['ephemeral-storage', 'ephemeralStorage', v.ephemeralStorageRequest!, v.ephemeralStorageLimit!],
  ];
  for (const [resource, field, request, limit] of pairs) {
    // Finite whole bytes first: Size.gibibytes(1e300) would be written as "Infinity".
    const req = checkSize(scope, kind, `${prop}.${field}Request`, request);
    const lim = checkSize(scope, kind, `${prop}.${field}Limit`, limit);
    if (!(req > 0)) fail(scope, kind, `${prop}.${field}Request`, renderBytes(req), 'a positive size such as Size.mebibytes(128)');
    if (!(lim > 0)) fail(scope, kind, `${prop}.${field}Limit`, renderBytes(lim), 'a positive size such as Size.mebibytes(128)');
    if (lim < req) {
      if (blameRequest(explicit, `${field}Request`, `${field}Limit`)) {
        fail(scope, kind, `${prop}.${field}Request`, renderBytes(req), `a request at most the limit of the preset (${renderBytes(lim)}), or set ${field}Limit too`);
      }
      fail(scope, kind, `${prop}.${field}Limit`, renderBytes(lim), `a limit at least the request (${renderBytes(req)})`);
    }
    requests[resource] = renderBytes(req);
    limits[resource] = renderBytes(lim);
  }
  return { requests, limits };
}

/** A request set explicitly above a limit that came from the preset: the error names the request. */
function blameRequest(explicit: ResourceValues | undefined, request: string, limit: string): boolean {
  const given = (explicit ?? {}) as { [field: string]: unknown };
  return given[request] !== undefined && given[limit] === undefined;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: any = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}
