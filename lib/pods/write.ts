import { renderProbe } from './probes';
import { ResolvedContainer, ResolvedPod, ResolvedVolume } from './resolve';

/** Names that the written template refers to but that exist only once children are made. */
export interface PodRefs {
  /** Name of the workload's ServiceAccount. */
  readonly serviceAccountName: string;
  /** Name of the hashed ConfigMap, when the pod has config data. */
  readonly configMapName?: string;
}

/**
 * Writes a resolved pod as a plain pod template (`{ metadata, spec }`) that any workload
 * object embeds. Plain JSON, so fields newer than cdk8s-plus-27's schema survive; cdk8s
 * sorts the keys when it renders the object. Zero values and empty lists are left out:
 * the API server does not store them.
 */
export function writePodTemplate(pod: ResolvedPod, refs: PodRefs): any {
  const seccompProfile = { type: 'RuntimeDefault' };
  const spec: any = {
    automountServiceAccountToken: pod.automountServiceAccountToken,
    containers: pod.containers.map((c) => writeContainer(pod, c, refs)),
    initContainers: nonEmpty(pod.initContainers.map((c) => writeContainer(pod, c, refs))),
    dnsPolicy: 'ClusterFirst',
    restartPolicy: pod.kind.restartPolicy,
    securityContext: {
      runAsNonRoot: true, runAsUser: pod.runAsUser, runAsGroup: pod.runAsGroup, fsGroup: pod.runAsGroup, seccompProfile,
    },
    serviceAccountName: refs.serviceAccountName,
    setHostnameAsFQDN: false,
    terminationGracePeriodSeconds: pod.terminationGracePeriodSeconds,
    volumes: nonEmpty(pod.volumes.map((v) => writeVolume(v, refs))),
    nodeSelector: pod.nodeSelector ? { ...pod.nodeSelector } : undefined,
    priorityClassName: pod.priorityClassName,
  };
  if (pod.kind.replicated) {
    Object.assign(spec, writeSpread(pod));
  }
  return {
    metadata: {
      labels: { ...pod.labels },
      annotations: Object.keys(pod.podAnnotations).length > 0 ? { ...pod.podAnnotations } : undefined,
    },
    spec,
  };
}

/** Spread over nodes and zones, and preferred anti-affinity: different checkers accept different mechanisms. */
function writeSpread(pod: ResolvedPod): any {
  const spread = pod.spread!;
  const topology = (key: string, required: boolean) => ({
    maxSkew: 1,
    topologyKey: key,
    whenUnsatisfiable: required ? 'DoNotSchedule' : 'ScheduleAnyway',
    labelSelector: { matchLabels: { ...pod.selectorLabels } },
    matchLabelKeys: spread.matchLabelKeys ? [...spread.matchLabelKeys] : undefined,
  });
  return {
    topologySpreadConstraints: [
      topology('kubernetes.io/hostname', spread.nodeRequired),
      topology('topology.kubernetes.io/zone', spread.zoneRequired),
    ],
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{
          weight: 100,
          podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { ...pod.selectorLabels } } },
        }],
      },
    },
  };
}

function writeContainer(pod: ResolvedPod, c: ResolvedContainer, refs: PodRefs): any {
  const seccompProfile = { type: 'RuntimeDefault' };
  return {
    name: c.name,
    image: c.image,
    imagePullPolicy: c.imagePullPolicy,
    command: c.command ? [...c.command] : undefined,
    args: c.args ? [...c.args] : undefined,
    restartPolicy: c.restartPolicy,
    ports: nonEmpty(c.ports.map((p) => ({ containerPort: p.containerPort, name: p.name, protocol: p.protocol }))),
    env: nonEmpty(c.env.map((e) => ({
      name: e.name,
      valueFrom: e.secret
        ? { secretKeyRef: { key: e.secret.key, name: e.secret.name, optional: e.secret.optional } }
        : { configMapKeyRef: { key: e.configMapKey, name: refs.configMapName } },
    }))),
    volumeMounts: nonEmpty(c.mounts.map((m) => ({ mountPath: m.mountPath, name: m.volume, readOnly: m.readOnly ? true : undefined }))),
    readinessProbe: c.readiness ? renderProbe(c.readiness) : undefined,
    livenessProbe: c.liveness ? renderProbe(c.liveness) : undefined,
    startupProbe: c.startup ? renderProbe(c.startup) : undefined,
    lifecycle: c.preStop?.sleepSeconds
      ? { preStop: { sleep: { seconds: c.preStop.sleepSeconds } } }
      : c.preStop?.command ? { preStop: { exec: { command: [...c.preStop.command] } } } : undefined,
    resources: { requests: { ...c.resources.requests }, limits: { ...c.resources.limits } },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: pod.runAsUser,
      runAsGroup: pod.runAsGroup,
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: pod.readOnlyRootFilesystem,
      capabilities: { drop: ['ALL'] },
      seccompProfile,
    },
  };
}

function writeVolume(v: ResolvedVolume, refs: PodRefs): any {
  switch (v.type) {
    case 'config':
      return { name: v.name, configMap: { name: refs.configMapName, items: v.files!.map((f) => ({ key: f, path: f })) } };
    case 'secret':
      // 0440: readable by the pod's fsGroup, which the containers run as.
      return { name: v.name, secret: { secretName: v.secretName, defaultMode: v.mode ?? 0o440, items: v.files?.map((f) => ({ key: f, path: v.paths?.[f] ?? f })) } };
    case 'claim':
      return { name: v.name, persistentVolumeClaim: { claimName: v.claimName, readOnly: v.readOnly ? true : undefined } };
    default:
      return { name: v.name, emptyDir: {} };
  }
}

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}
