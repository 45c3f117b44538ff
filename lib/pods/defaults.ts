import { IConstruct } from 'constructs';
import { withDefaults } from '../core/defaults';
import { RULES } from '../practices/catalog';
import { SafePodProps } from './props';

/** The props of every workload kind that `GuardrailsDefaults` can set for a chart or an app. */
export const WORKLOAD_DEFAULT_KEYS = ['resourcePreset', 'allowedRegistries', 'requireDigest', 'pinnedTagPattern', 'metrics', 'architecture', 'partOf', 'priorityClassName'] as const;

const WORKLOAD_RULES = RULES.filter((r) => r.group === 'workload').map((r) => r.id);

/**
 * A workload's props with the defaults of its chart and app filled in (explicit prop, then
 * the nearest scope). Scraping follows the nearest word on it: an explicit `metrics` prop, or
 * `metrics` options set nearer than a `skip.metrics`, scrape; otherwise the skip holds.
 * Inherited `metrics` options reach only workloads that declare a port (a worker serves
 * nothing to scrape).
 */
export function withWorkloadDefaults(scope: IConstruct, props: SafePodProps): SafePodProps {
  return withDefaults(scope, props, WORKLOAD_DEFAULT_KEYS, WORKLOAD_RULES, (merged, skip, from) => {
    const serves = props.port !== undefined || (Array.isArray(props.ports) && props.ports.length > 0);
    if (props.metrics === undefined && from.values.metrics !== undefined) {
      const skipDepth = from.depth['skip.metrics'];
      if (!serves || props.skip?.metrics !== undefined || (skipDepth !== undefined && skipDepth < from.depth.metrics)) delete merged.metrics;
    }
    if (skip.metrics !== undefined && merged.metrics !== undefined) delete skip.metrics;
  });
}
