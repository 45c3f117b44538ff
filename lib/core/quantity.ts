import { Size, SizeRoundingBehavior } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { BINARY, parseQuantity } from './validation/quantity';

// Kubernetes quantities, compared in base units: millicores for CPU, bytes for everything
// else, and rendered back with the largest unit that keeps them whole.

export { parseQuantity };

/** A CPU quantity in millicores (rounded up to whole millicores, as the API server does). */
export function parseCpuMillis(value: unknown): number {
  const cores = parseQuantity(value);
  return Number.isNaN(cores) ? NaN : Math.ceil(Math.round(cores * 1e9) / 1e6);
}

/** Millicores of a cdk8s-plus Cpu (`Cpu.millis(100)`, `Cpu.units(0.5)`); NaN if it is not a quantity. */
export function cpuMillis(cpu: Cpu): number {
  return parseCpuMillis(String(cpu.amount));
}

/** Bytes of a cdk8s Size. */
export function sizeToBytes(size: Size): number {
  return size.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) * 1024;
}

/** Renders millicores as "250m" or "2". */
export function renderMillis(millis: number): string {
  const m = Math.ceil(millis);
  return m % 1000 === 0 ? String(m / 1000) : `${m}m`;
}

/** Renders bytes with the largest binary unit that keeps the value whole ("1Gi", "1536Mi"). */
export function renderBytes(bytes: number): string {
  for (const unit of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki']) {
    const n = bytes / BINARY[unit];
    if (n >= 1 && Number.isInteger(n)) return `${n}${unit}`;
  }
  return String(Math.ceil(bytes));
}

/** The compute resources a namespace bounds per container and in total. */
export type ComputeResource = 'cpu' | 'memory' | 'ephemeral-storage';
export const COMPUTE_RESOURCES: readonly ComputeResource[] = ['cpu', 'memory', 'ephemeral-storage'];

/** Parses a compute quantity into base units: millicores for cpu, bytes otherwise. */
export function parseCompute(resource: ComputeResource, value: unknown): number {
  return resource === 'cpu' ? parseCpuMillis(value) : parseQuantity(value);
}

/** Renders a compute amount in base units (millicores for cpu, bytes otherwise). */
export function renderCompute(resource: ComputeResource, amount: number): string {
  return resource === 'cpu' ? renderMillis(amount) : renderBytes(amount);
}
