import { IConstruct } from 'constructs';
import { fail } from '../core/errors';
import { ResolvedPod } from './resolve';

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A volume that a workload kind adds to the main container besides the pod core's own: a
 * StatefulSet's claim template, a DaemonSet's hostPath.
 */
export interface KindMount {
  /** Prop path of the entry, for errors: 'volumeClaimTemplates[0]'. */
  readonly prop: string;
  /** Volume name: a pod volume, or the claim template that the kind's object declares. */
  readonly volume: string;
  /** Absolute mount path in the main container. */
  readonly mountPath: string;
  readonly readOnly: boolean;
  /** The pod volume's source (e.g. `{ hostPath: {...} }`); undefined when the kind's object provides the volume. */
  readonly source?: { [key: string]: unknown };
}

/**
 * Validates a kind's mounts against the pod: volume names are DNS-1123 labels that no other
 * volume uses, mount paths are absolute and not mounted twice in the main container.
 */
export function checkKindMounts(scope: IConstruct, kind: string, pod: ResolvedPod, mounts: KindMount[]): void {
  const volumes = new Set(pod.volumes.map((v) => v.name));
  const paths = new Map(pod.containers[0].mounts.map((m) => [m.mountPath, m.volume]));
  for (const m of mounts) {
    if (typeof m.volume !== 'string' || m.volume.length > 63 || !DNS_1123_LABEL.test(m.volume)) {
      fail(scope, kind, `${m.prop}.name`, m.volume, 'a DNS-1123 label of at most 63 characters: lower-case letters, digits and \'-\'');
    }
    if (volumes.has(m.volume)) {
      fail(scope, kind, `${m.prop}.name`, m.volume, `a volume name no other volume of the pod uses (${[...volumes].sort().join(', ')})`);
    }
    volumes.add(m.volume);
    if (typeof m.mountPath !== 'string' || !m.mountPath.startsWith('/') || m.mountPath === '/') {
      fail(scope, kind, `${m.prop}.mountPath`, m.mountPath, 'an absolute path other than "/"');
    }
    const other = paths.get(m.mountPath);
    if (other !== undefined) fail(scope, kind, `${m.prop}.mountPath`, m.mountPath, `a path not already mounted in the container (volume "${other}" is mounted there)`);
    paths.set(m.mountPath, m.volume);
  }
}

/** Adds checked mounts to a written pod template: the volumes with a source, and the main container's mounts. */
export function addKindMounts(template: any, mounts: KindMount[]): void {
  if (mounts.length === 0) return;
  const spec = template.spec;
  const volumes = mounts.filter((m) => m.source !== undefined).map((m) => ({ name: m.volume, ...m.source }));
  if (volumes.length > 0) spec.volumes = [...(spec.volumes ?? []), ...volumes];
  const main = spec.containers[0];
  main.volumeMounts = [
    ...(main.volumeMounts ?? []),
    ...mounts.map((m) => ({ mountPath: m.mountPath, name: m.volume, readOnly: m.readOnly ? true : undefined })),
  ];
}
