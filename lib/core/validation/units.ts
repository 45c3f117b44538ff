import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import { IConstruct } from 'constructs';
import { fail } from '../errors';
import { INT32_MAX } from './rules';

/** Renders a duration given in milliseconds for an error message ("1500ms", "90s"). */
function showMillis(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** Options of `checkDuration`. */
export interface DurationBounds {
  /** Fewest seconds allowed. */
  readonly minSeconds?: number;
  /** Most seconds allowed (at most the int32 bound). */
  readonly maxSeconds?: number;
  /** Why the bounds are what they are, appended to the message. */
  readonly why?: string;
}

/**
 * A cdk8s Duration as whole seconds within bounds. Unlike `Duration.toSeconds()`, which
 * throws its own error for `Duration.millis(1500)` or NaN, it names the property.
 */
export function checkDuration(scope: IConstruct, kind: string, prop: string, d: Duration, bounds: DurationBounds = {}): number {
  if (!(d instanceof Duration)) fail(scope, kind, prop, d, 'a Duration, such as Duration.seconds(30)');
  const ms = d.toMilliseconds({ integral: false });
  const min = bounds.minSeconds ?? 0;
  const max = Math.min(bounds.maxSeconds ?? INT32_MAX, INT32_MAX);
  const range = `from ${min} to ${max} seconds`;
  const why = bounds.why ? `: ${bounds.why}` : '';
  if (!Number.isFinite(ms) || ms % 1000 !== 0) fail(scope, kind, prop, showMillis(ms), `a whole number of seconds ${range}${why}`);
  const s = ms / 1000;
  if (s < min || s > max) fail(scope, kind, prop, showMillis(ms), `a duration ${range}${why}`);
  return s;
}

/** A cdk8s Size as a whole, finite number of bytes within bounds. */
export function checkSize(scope: IConstruct, kind: string, prop: string, size: Size, minBytes = 0, maxBytes = Number.MAX_SAFE_INTEGER): number {
  if (!(size instanceof Size)) fail(scope, kind, prop, size, 'a Size, such as Size.mebibytes(512)');
  const bytes = size.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) * 1024;
  if (!Number.isFinite(bytes) || !Number.isInteger(bytes) || bytes < minBytes || bytes > maxBytes) {
    fail(scope, kind, prop, Number.isFinite(bytes) ? `${bytes} bytes` : String(bytes),
      `a whole number of bytes from ${minBytes} to ${maxBytes} (about ${Math.floor(maxBytes / 2 ** 40)} TiB)`);
  }
  return bytes;
}
