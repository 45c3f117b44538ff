import { ApiObject, App, Chart, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { describe, expect, it } from 'vitest';
import { podTemplateOf } from '../../lib/core/kinds';
import { Guardrails, ISafeWorkload, KubernetesVersion, ProbeCheck, ProbeScheme, ResourcePreset, SafeDeployment, SafePodProps } from '../../lib';
import { all, errorOf, newChart, one, synth } from '../helpers';
import { podValidationSuite } from './pod-validation.shared';

export const IMAGE = 'ghcr.io/acme/web:1.4.2';
export const SIDECAR_IMAGE = 'ghcr.io/acme/proxy:2.0.1';
/** A sidecar without ports: it needs a liveness command. */
const PROXY = { name: 'proxy', image: SIDECAR_IMAGE, liveness: { check: ProbeCheck.exec(['/proxy', 'health']) } };

/** How the shared pod-level suite makes and reads one workload kind. */
export interface WorkloadFactory {
  /** The construct's name in error messages, e.g. 'SafeDeployment'. */
  readonly construct: string;
  /** The kind of the object that holds the pod template, e.g. 'Deployment'. */
  readonly kind: string;
  /** Whether the main container may serve on ports with readiness and liveness probes. */
  readonly serving: boolean;
  /**
   * Pods run to completion (Jobs): no preStop delay, and only native sidecars, so `create`
   * targets Kubernetes 1.29 unless the props say otherwise.
   * @default false
   */
  readonly runsToCompletion?: boolean;
  /** Creates the workload with these pod-level props (plus whatever the kind requires). */
  create(scope: Chart, id: string, props: SafePodProps): ISafeWorkload;
}

/**
 * The pod-level assertions that hold for every workload kind. A kind's test file calls it
 * with its factory; each kind then tests only what is its own.
 */
export function podCoreSuite(f: WorkloadFactory): void {
  const base: SafePodProps = f.serving ? { image: IMAGE, port: 8080 } : { image: IMAGE };

  function make(props: Partial<SafePodProps> = {}, setup?: (chart: Chart) => void) {
    const chart = newChart();
    setup?.(chart);
    const construct = f.create(chart, 'web', { ...base, ...props } as SafePodProps);
    const manifests = synth(chart);
    const object = one(manifests, f.kind);
    const template = podTemplateOf(object);
    return { chart, construct, manifests, object, template, pod: template.spec, main: template.spec.containers[0] };
  }
  const error = (props: Partial<SafePodProps>, setup?: (chart: Chart) => void) => errorOf(() => make(props, setup));
  // Sidecars are plain or native (init) containers, depending on the target version and kind.
  const byName = (pod: any, name: string) => [...pod.containers, ...(pod.initContainers ?? [])].find((c: any) => c.name === name);
  const prefix = `${f.construct} at 'test/web': invalid`;

  describe(`${f.construct}: pod core`, () => {
    describe('every container is pinned, sized and restricted', () => {
      const restricted = (uid: number, gid: number) => ({
        runAsNonRoot: true, runAsUser: uid, runAsGroup: gid, allowPrivilegeEscalation: false, privileged: false,
        readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
      });

      it('sidecars and init containers get the restricted context and NANO resources', () => {
        const { pod } = make({
          sidecars: [{ ...PROXY }],
          initContainers: [{ name: 'migrate', image: SIDECAR_IMAGE, args: ['up'] }],
        });
        const containers = [...pod.containers, ...pod.initContainers];
        expect(containers.map((c: any) => c.name)).toEqual(['app', 'proxy', 'migrate']);
        for (const c of containers) {
          expect(c.securityContext).toEqual(restricted(10001, 10001));
          expect(c.imagePullPolicy).toBe('Always');
        }
        for (const c of [byName(pod, 'proxy'), byName(pod, 'migrate')]) {
          expect(c.resources).toEqual({
            requests: { 'cpu': '50m', 'memory': '64Mi', 'ephemeral-storage': '128Mi' },
            limits: { 'memory': '64Mi', 'ephemeral-storage': '512Mi' },
          });
        }
        expect(byName(pod, 'migrate').args).toEqual(['up']);
        expect(byName(pod, 'migrate').lifecycle).toBeUndefined();
        expect(byName(pod, 'migrate').restartPolicy).toBeUndefined();
      });

      it('sidecar resources follow their own preset and values', () => {
        const { pod } = make({
          sidecars: [{ ...PROXY, resourcePreset: ResourcePreset.MEDIUM, resources: { memoryLimit: Size.gibibytes(1) } }],
        });
        expect(byName(pod, 'proxy').resources.requests).toEqual({ 'cpu': '250m', 'memory': '512Mi', 'ephemeral-storage': '512Mi' });
        expect(byName(pod, 'proxy').resources.limits.memory).toBe('1Gi');
        expect(error({ sidecars: [{ ...PROXY, resources: { memoryLimit: Size.mebibytes(1) } }] }))
          .toContain(`${prefix} sidecars[0].resources.memoryLimit "1Mi"; expected a limit at least the request (64Mi).`);
      });

      it('sidecar and init images are checked like the main image', () => {
        expect(error({ sidecars: [{ ...PROXY, image: 'ghcr.io/acme/proxy:latest' }] })).toBe(
          `${prefix} sidecars[0].image "ghcr.io/acme/proxy:latest"; expected a pinned image: the image uses the tag "latest", which changes under the same name. Pin a full version (":1.4.2"), a date, a commit or a digest ("@sha256:<64 hex>"), or set pinnedTagPattern (rule image-pinned).`);
        expect(error({ initContainers: [{ name: 'init', image: 'nginx:1.27.3' }], allowedRegistries: ['ghcr.io/acme'] })).toBe(
          `${prefix} initContainers[0].image "nginx:1.27.3"; expected an image from an allowed registry: ghcr.io/acme (rule image-registry).`);
        expect(error({ sidecars: [{ ...PROXY }], requireDigest: true, image: `${IMAGE}@sha256:${'a'.repeat(64)}` }))
          .toContain(`${prefix} sidecars[0].image "ghcr.io/acme/proxy:2.0.1"; expected an image pinned by digest`);
        expect(byName(make({ sidecars: [{ ...PROXY, image: 'ghcr.io/acme/proxy:latest' }], skip: { 'image-pinned': 'nightly proxy build' } }).pod, 'proxy').image)
          .toBe('ghcr.io/acme/proxy:latest');
      });

      it('container names are DNS labels, unique in the pod', () => {
        expect(error({ sidecars: [{ name: 'app', image: SIDECAR_IMAGE }] })).toBe(
          `${prefix} sidecars[0].name "app"; expected a container name not used by another container of the pod (app).`);
        expect(error({ initContainers: [{ name: 'Init_1', image: SIDECAR_IMAGE }] })).toBe(
          `${prefix} initContainers[0].name "Init_1"; expected a DNS-1123 label of at most 63 characters: lower-case letters, digits and '-', starting and ending with a letter or digit, unique in the pod.`);
      });

      it('init containers have no ports or probes', () => {
        expect(error({ initContainers: [{ name: 'init', image: SIDECAR_IMAGE, ports: [{ name: 'x', containerPort: 1 }] } as any] })).toBe(
          `${prefix} initContainers[0].ports [{"name":"x","containerPort":1}]; expected no ports on an init container: it runs to completion before the app starts; make it a sidecar instead.`);
      });

      it('sidecar env goes into the hashed ConfigMap under <container>.<NAME>; secrets stay references', () => {
        const { pod, manifests } = make({
          env: { LEVEL: 'info' },
          sidecars: [{ ...PROXY, env: { LEVEL: 'debug' }, secretEnv: [{ name: 'TOKEN', secretName: 'proxy', key: 'token' }] }],
        });
        const cm = one(manifests, 'ConfigMap');
        expect(cm.data).toEqual({ 'LEVEL': 'info', 'proxy.LEVEL': 'debug' });
        expect(byName(pod, 'proxy').env).toEqual([
          { name: 'LEVEL', valueFrom: { configMapKeyRef: { key: 'proxy.LEVEL', name: cm.metadata.name } } },
          { name: 'TOKEN', valueFrom: { secretKeyRef: { key: 'token', name: 'proxy', optional: false } } },
        ]);
        expect(error({ files: { 'proxy.LEVEL': 'x' }, sidecars: [{ ...PROXY, env: { LEVEL: 'debug' } }] })).toBe(
          `${prefix} sidecars[0].env "LEVEL"; expected an env name whose ConfigMap key "proxy.LEVEL" is not also a file name: both live in one ConfigMap.`);
      });

      it('sidecar writable paths share the pod\'s volume for the same path', () => {
        const { pod } = make({ sidecars: [{ ...PROXY, writablePaths: ['/tmp', '/var/run/proxy'] }] });
        expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: {} }, { name: 'var-run-proxy', emptyDir: {} }]);
        expect(byName(pod, 'proxy').volumeMounts).toEqual([{ mountPath: '/tmp', name: 'tmp' }, { mountPath: '/var/run/proxy', name: 'var-run-proxy' }]);
      });
    });

    describe('runAsUser, runAsGroup and readOnlyRootFilesystem: narrow pod-security exceptions', () => {
      const UID = { 'pod-security.runAsUser': 'upstream image runs as uid 1000' };
      const GID = { 'pod-security.runAsGroup': 'its files belong to gid 1000' };
      const RO = { 'pod-security.readOnlyRootFilesystem': 'legacy image writes under /var/www' };

      it('below 10001 only with a reason that waives exactly that id; 0 never', () => {
        expect(error({ runAsUser: 1000 })).toBe(`${prefix} runAsUser 1000; expected an integer from 10001 to 2147483647 (rule pod-security), or from 1 to 10000 with skip: { 'pod-security.runAsUser': '<reason>' } for an image built for a fixed UID; 0 (root) is never allowed.`);
        expect(error({ runAsUser: 1000, runAsGroup: 1000, skip: UID })).toBe(`${prefix} runAsGroup 1000; expected an integer from 10001 to 2147483647 (rule pod-security), or from 1 to 10000 with skip: { 'pod-security.runAsGroup': '<reason>' } for an image built for a fixed GID; 0 (root) is never allowed.`);
        const { pod, object, construct } = make({ runAsUser: 1000, runAsGroup: 1000, skip: { ...UID, ...GID }, sidecars: [{ ...PROXY }] });
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });
        for (const c of pod.containers) expect(c.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 });
        // kube-score's own opt-out names the decision, next to the exceptions; no whole-rule skip
        const { 'guardrails.cdk8s.io/kubernetes-version': _target, ...annotations } = object.metadata.annotations;
        expect(annotations).toEqual({
          'kube-score/ignore': f.serving ? 'pod-probes-identical,container-security-context-user-group-id' : 'container-security-context-user-group-id',
          'guardrails.cdk8s.io/skip.pod-security.runAsUser': '1000: upstream image runs as uid 1000',
          'guardrails.cdk8s.io/skip.pod-security.runAsGroup': '1000: its files belong to gid 1000',
        });
        expect(construct.skippedRules).toEqual({ 'pod-security.runAsUser': '1000: upstream image runs as uid 1000', 'pod-security.runAsGroup': '1000: its files belong to gid 1000' });
        expect(make({ runAsUser: 20000 }).object.metadata.annotations?.['kube-score/ignore'] ?? '').not.toContain('user-group-id');
        expect(error({ runAsUser: 0, skip: UID })).toContain(`${prefix} runAsUser 0; expected an integer from 10001`);
        expect(error({ runAsGroup: 0, skip: GID })).toContain(`${prefix} runAsGroup 0; expected an integer from 10001`);
        expect(error({ runAsUser: 1.5, skip: UID })).toContain(`${prefix} runAsUser 1.5;`);
      });

      it('a writable root filesystem is waived for the containers of the pod, by name', () => {
        expect(error({ readOnlyRootFilesystem: false })).toBe(
          `${prefix} readOnlyRootFilesystem false; expected true (rule pod-security), or skip: { 'pod-security.readOnlyRootFilesystem': '<reason>' }; use writablePaths for the directories the app writes to.`);
        const { object, pod } = make({ readOnlyRootFilesystem: false, skip: RO, sidecars: [{ ...PROXY }], initContainers: [{ name: 'migrate', image: SIDECAR_IMAGE }] });
        for (const c of [...pod.containers, ...pod.initContainers]) expect(c.securityContext.readOnlyRootFilesystem).toBe(false);
        const names = [...pod.containers, ...pod.initContainers].map((c: any) => c.name).join(', ');
        expect(object.metadata.annotations['guardrails.cdk8s.io/skip.pod-security.readOnlyRootFilesystem']).toBe(`${names}: legacy image writes under /var/www`);
      });

      it('a waiver that would waive nothing, or of another check, is an error', () => {
        expect(error({ skip: UID })).toBe(`${prefix} skip.pod-security.runAsUser "upstream image runs as uid 1000"; expected no such skip while runAsUser is 10001 (10001 or more needs none): it would waive nothing.`);
        expect(error({ runAsUser: 1000, skip: { ...UID, ...GID } })).toBe(`${prefix} skip.pod-security.runAsGroup "its files belong to gid 1000"; expected no such skip while runAsGroup is 10001 (10001 or more needs none): it would waive nothing.`);
        expect(error({ skip: RO })).toBe(`${prefix} skip.pod-security.readOnlyRootFilesystem "legacy image writes under /var/www"; expected no such skip while readOnlyRootFilesystem is true: it would waive nothing; set readOnlyRootFilesystem: false with it.`);
        const checks = 'pod-security.readOnlyRootFilesystem, pod-security.runAsGroup, pod-security.runAsUser';
        expect(error({ skip: { 'pod-security.privileged': 'x' } })).toBe(
          `${prefix} skip.pod-security.privileged "pod-security.privileged"; expected one of ${checks}; any other check is waived only with the whole rule, skip: { 'pod-security': '<reason>' }.`);
        expect(error({ skip: { 'pod-security.hostPath': 'x' } })).toBe(
          `${prefix} skip.pod-security.hostPath "pod-security.hostPath"; expected one of ${checks}: host access is asked for with SafeDaemonSet's hostPaths (each with its reason).`);
        expect(error({ skip: { 'replicas-min.replicas': 'x' } })).toBe(
          `${prefix} skip.replicas-min.replicas "replicas-min.replicas"; expected a rule id of the catalog, or one of ${checks}, secret-no-plaintext.env: only pod-security and secret-no-plaintext.env have checks that can be waived on their own.`);
        expect(error({ runAsUser: 1000, skip: { 'pod-security.runAsUser': ' ' } })).toBe(`${prefix} skip.pod-security.runAsUser " "; expected a non-empty reason: switching a rule off must say why.`);
      });

      it('the whole-rule skip, asked for on purpose, still switches the rule off', () => {
        const skip = { 'pod-security': 'vendor chart, reviewed by the platform team' };
        const { object, construct } = make({ runAsUser: 1000, readOnlyRootFilesystem: false, skip });
        expect(object.metadata.annotations['guardrails.cdk8s.io/skip.pod-security']).toBe(skip['pod-security']);
        expect(Object.keys(object.metadata.annotations).filter((k) => k.startsWith('guardrails.cdk8s.io/skip.pod-security.'))).toEqual([]);
        expect(construct.skippedRules).toEqual(skip);
      });

      describe('the checker honours exactly what was waived', () => {
        const props: Partial<SafePodProps> = { runAsUser: 1000, runAsGroup: 1000, readOnlyRootFilesystem: false, skip: { ...UID, ...GID, ...RO } };
        const podPath = f.kind === 'CronJob' ? '/spec/jobTemplate/spec/template/spec' : '/spec/template/spec';
        const podField = f.kind === 'CronJob' ? 'spec.jobTemplate.spec.template.spec' : 'spec.template.spec';
        /** pod-security findings (`field: message`) and suppressions of the workload after `patches`. */
        function checked(...patches: JsonPatch[]) {
          const chart = newChart();
          const w = f.create(chart, 'web', { ...base, ...props } as SafePodProps);
          ApiObject.of(w.node.findChild(f.kind)).addJsonPatch(...patches);
          Guardrails.enforce(chart);
          const report = Guardrails.report(chart);
          return {
            findings: report.violations.filter((v) => v.rule === 'pod-security').map((v) => `${v.field}: ${v.message}`),
            suppressions: report.suppressions.map((x) => `${x.rule} ${x.scope}: ${x.suppressed}`),
          };
        }

        it('the construct output passes, each exception listed with what it hides', () => {
          const { findings, suppressions } = checked();
          expect(findings).toEqual([]);
          expect(suppressions).toEqual(['pod-security readOnlyRootFilesystem app: 1', 'pod-security runAsGroup 1000: 3', 'pod-security runAsUser 1000: 2']);
        });

        it('everything else of the rule is still flagged, with its exact message', () => {
          const c = `${podPath}/containers/0/securityContext`;
          const cf = `${podField}.containers[0].securityContext`;
          const cases: Array<[JsonPatch, string]> = [
            [JsonPatch.replace(`${c}/privileged`, true), `${cf}.privileged: container "app" is privileged`],
            [JsonPatch.replace(`${c}/allowPrivilegeEscalation`, true), `${cf}.allowPrivilegeEscalation: container "app" does not set allowPrivilegeEscalation: false`],
            [JsonPatch.add(`${c}/capabilities/add`, ['SYS_ADMIN']), `${cf}.capabilities.add: container "app" adds the capabilities SYS_ADMIN`],
            [JsonPatch.add(`${podPath}/hostPID`, true), `${podField}.hostPID: shares the node's PID namespace (hostPID: true)`],
            [JsonPatch.add(`${podPath}/hostIPC`, true), `${podField}.hostIPC: shares the node's IPC namespace (hostIPC: true)`],
            [JsonPatch.add(`${podPath}/hostNetwork`, true), `${podField}.hostNetwork: shares the node's Network namespace (hostNetwork: true)`],
            [JsonPatch.add(`${podPath}/volumes/-`, { name: 'etc', hostPath: { path: '/etc' } }), `${podField}.volumes[1].hostPath: mounts the node's path /etc (hostPath volume "etc")`],
            [JsonPatch.replace(`${c}/runAsUser`, 999), `${cf}.runAsUser: container "app" sets runAsUser 999, below 10001, and its pod-security.runAsUser exception waives only 1000`],
            [JsonPatch.replace(`${podPath}/securityContext/runAsUser`, 0), `${podField}.securityContext.runAsUser: runs as root (runAsUser: 0)`],
            [JsonPatch.replace(`${podPath}/securityContext/fsGroup`, 0), `${podField}.securityContext.fsGroup: the pod sets fsGroup 0, below 10001, and its pod-security.runAsGroup exception waives only 1000`],
          ];
          for (const [patch, finding] of cases) expect(checked(patch).findings).toEqual([finding]);
        });
      });
    });

    if (!f.runsToCompletion) describe('target Kubernetes version', () => {
      const v130 = (chart: Chart) => KubernetesVersion.setTarget(chart, KubernetesVersion.V1_30);

      it('the default target is 1.27: preStop is a sleep command, sidecars are plain containers', () => {
        const { main, pod } = make({ sidecars: [{ ...PROXY }] });
        expect(main.lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '10'] } } });
        expect(pod.containers.map((c: any) => c.name)).toEqual(['app', 'proxy']);
        expect(pod.initContainers).toBeUndefined();
      });

      it('1.30 uses the native sleep action; preStopCommand still wins', () => {
        expect(make({}, v130).main.lifecycle).toEqual({ preStop: { sleep: { seconds: 10 } } });
        expect(make({ preStopDelay: Duration.seconds(5) }, v130).main.lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
        expect(make({ preStopDelay: Duration.seconds(0), skip: { 'graceful-shutdown': 'the app drains itself' } }, v130).main.lifecycle).toBeUndefined();
        expect(make({ preStopCommand: ['/bin/wait', '3'] }, v130).main.lifecycle).toEqual({ preStop: { exec: { command: ['/bin/wait', '3'] } } });
        expect(make({ kubernetesVersion: KubernetesVersion.V1_30 }).main.lifecycle).toEqual({ preStop: { sleep: { seconds: 10 } } });
        // a workload's own version wins over the chart's
        expect(make({ kubernetesVersion: KubernetesVersion.V1_29 }, v130).main.lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '10'] } } });
      });

      it('preStopDelay 0 is an error unless graceful-shutdown is skipped (the checker flags a 0s delay)', () => {
        expect(error({ preStopDelay: Duration.seconds(0) })).toBe(`${prefix} preStopDelay "0s"; expected at least 1s (rule graceful-shutdown): with no delay the app gets SIGTERM while Services still send it traffic; e.g. Duration.seconds(10), or skip: { 'graceful-shutdown': '<reason>' } for no preStop hook.`);
        expect(make({ preStopDelay: Duration.seconds(0), skip: { 'graceful-shutdown': 'the app drains itself' } }).main.lifecycle).toBeUndefined();
      });

      it('preStopCommand: [] stays an error', () => {
        expect(error({ preStopCommand: [] })).toBe(`${prefix} preStopCommand []; expected a non-empty command of non-empty strings, e.g. ['sleep', '10'], or no preStopCommand.`);
      });

      it('from 1.29 sidecars are native: init containers with restartPolicy Always, before the init containers', () => {
        const { pod } = make({
          kubernetesVersion: KubernetesVersion.V1_29,
          sidecars: [{ ...PROXY }],
          initContainers: [{ name: 'migrate', image: SIDECAR_IMAGE }],
        });
        expect(pod.containers.map((c: any) => c.name)).toEqual(['app']);
        expect(pod.initContainers.map((c: any) => [c.name, c.restartPolicy])).toEqual([['proxy', 'Always'], ['migrate', undefined]]);
        const plain = make({ kubernetesVersion: KubernetesVersion.V1_29, sidecars: [{ ...PROXY, native: false }] }).pod;
        expect(plain.containers.map((c: any) => c.name)).toEqual(['app', 'proxy']);
      });

      it('asking for a native sidecar with an older target names the version it needs', () => {
        expect(error({ sidecars: [{ ...PROXY, native: true }] })).toBe(
          `${prefix} sidecars[0].native true; expected Kubernetes 1.29 or newer for native sidecars (init containers with restartPolicy: Always), but the target is 1.27: raise it with KubernetesVersion.setTarget(app, KubernetesVersion.V1_29) or kubernetesVersion, or leave sidecars[0].native out.`);
      });
    });

    if (!f.runsToCompletion) describe('graceful shutdown of a port-less worker', () => {
      const worker = { port: undefined, livenessCommand: ['/app/healthcheck'] };

      it('gets no preStop delay (no Service has endpoints to drain) and a grace period of the shutdown time; the checker agrees', () => {
        const { main, pod, manifests } = make(worker);
        expect(main.ports).toBeUndefined();
        expect(main.lifecycle).toBeUndefined();
        expect(pod.terminationGracePeriodSeconds).toBe(20);
        // A StatefulSet's headless governing Service has no ports: it routes nothing.
        expect(all(manifests, 'Service').filter((svc) => (svc.spec.ports ?? []).length > 0)).toHaveLength(0);
        const found = Guardrails.check(manifests).violations.filter((v) => ['graceful-shutdown', 'probe-readiness', 'metrics'].includes(v.rule));
        expect(found.map((v) => `${v.rule}: ${v.message}`)).toEqual([]);
        expect(make({ ...worker, shutdownTimeout: Duration.seconds(45) }).pod.terminationGracePeriodSeconds).toBe(45);
      });

      it('keeps a delay it asks for, and the sidecar with ports its own', () => {
        const asked = make({ ...worker, preStopDelay: Duration.seconds(5) });
        expect(asked.main.lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
        expect(asked.pod.terminationGracePeriodSeconds).toBe(25);
        expect(make({ ...worker, preStopCommand: ['/app/drain'] }).main.lifecycle).toEqual({ preStop: { exec: { command: ['/app/drain'] } } });
        // A plain sidecar with ports gets SIGTERM with the main container: both wait.
        const proxied = make({ ...worker, sidecars: [{ name: 'proxy', image: SIDECAR_IMAGE, ports: [{ name: 'proxy', containerPort: 15001 }] }] });
        expect(proxied.main.lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '10'] } } });
        expect(byName(proxied.pod, 'proxy').lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '10'] } } });
        expect(proxied.pod.terminationGracePeriodSeconds).toBe(30);
      });

      it('behind a serving native sidecar, the main container waits and the sidecar does not (it stops after the main container); the checker agrees', () => {
        const proxied = make({
          ...worker, kubernetesVersion: KubernetesVersion.V1_30,
          sidecars: [{ name: 'proxy', image: SIDECAR_IMAGE, ports: [{ name: 'proxy', containerPort: 15001 }], liveness: { check: ProbeCheck.tcpSocket('proxy') } }],
        });
        expect(proxied.main.lifecycle).toEqual({ preStop: { sleep: { seconds: 10 } } });
        expect(proxied.pod.initContainers.find((c: any) => c.name === 'proxy').lifecycle).toBeUndefined();
        expect(proxied.pod.terminationGracePeriodSeconds).toBe(30);
        const found = Guardrails.check(proxied.manifests).violations.filter((v) => v.rule === 'graceful-shutdown');
        expect(found.map((v) => v.message)).toEqual([]);
      });

      it('a graceful-shutdown violation is still flagged where a port is served without a preStop', () => {
        const { manifests } = make();
        const changed = manifests.map((m: any) => JSON.parse(JSON.stringify(m)));
        delete podTemplateOf(one(changed, f.kind)).spec.containers[0].lifecycle;
        expect(Guardrails.check(changed).violations.filter((v) => v.rule === 'graceful-shutdown').map((v) => v.message)).toEqual([
          'container "app" serves on port 8080 but has no lifecycle.preStop delay, so it gets SIGTERM while Services still send it traffic',
        ]);
      });
    });

    if (!f.serving) return;

    describe('named ports', () => {
      it('`port` is the port named http; `ports` adds named ports, each exposed by the Service', () => {
        const { main, manifests, construct } = make({
          ports: [{ name: 'grpc', containerPort: 9000 }, { name: 'admin', containerPort: 9901, exposed: false }, { name: 'dns', containerPort: 5353, protocol: kplus.Protocol.UDP, servicePort: 53 }],
        });
        expect(main.ports).toEqual([
          { containerPort: 8080, name: 'http', protocol: 'TCP' },
          { containerPort: 9000, name: 'grpc', protocol: 'TCP' },
          { containerPort: 9901, name: 'admin', protocol: 'TCP' },
          { containerPort: 5353, name: 'dns', protocol: 'UDP' },
        ]);
        expect(one(manifests, 'Service', 'web').spec.ports).toEqual([
          { name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' },
          { name: 'grpc', port: 9000, targetPort: 9000, protocol: 'TCP' },
          { name: 'dns', port: 53, targetPort: 5353, protocol: 'UDP' },
        ]);
        expect(construct.servingPorts).toEqual([8080, 9000, 5353]);
      });

      it('without `port` the first named port is the default probe and metrics port', () => {
        const { main, template, manifests } = make({ port: undefined, ports: [{ name: 'grpc', containerPort: 5050 }] });
        expect(main.readinessProbe.tcpSocket).toEqual({ port: 'grpc' });
        expect(main.livenessProbe.tcpSocket).toEqual({ port: 'grpc' });
        expect(template.metadata.annotations['prometheus.io/port']).toBe('5050');
        expect(one(manifests, f.kind).metadata.labels['app.kubernetes.io/component']).toBe('server');
      });

      it('port names are IANA service names, unique in the pod; numbers are not declared twice', () => {
        expect(error({ ports: [{ name: 'HTTP2', containerPort: 1 }] })).toBe(
          `${prefix} ports[0].name "HTTP2"; expected a port name of at most 15 lower-case letters, digits and '-' with at least one letter (IANA_SVC_NAME).`);
        expect(error({ ports: [{ name: 'http', containerPort: 9000 }] })).toBe(`${prefix} ports[0].name "http"; expected a port name not used by another port of the pod.`);
        expect(error({ ports: [{ name: 'alt', containerPort: 8080 }] })).toBe(`${prefix} ports[0].containerPort 8080; expected a port number not declared twice in the pod with the same protocol: TCP 8080 is port "http".`);
        expect(error({ sidecars: [{ name: 'proxy', image: SIDECAR_IMAGE, ports: [{ name: 'http', containerPort: 15001 }] }] }))
          .toBe(`${prefix} sidecars[0].ports[0].name "http"; expected a port name not used by another port of the pod.`);
        expect(error({ ports: [{ name: 'grpc', containerPort: 70000 }] })).toContain(`${prefix} ports[0].containerPort 70000`);
        expect(error({ ports: [{ name: 'admin', containerPort: 9901, exposed: false, servicePort: 80 }] })).toBe(
          `${prefix} ports[0].servicePort 80; expected no servicePort on a port with exposed: false.`);
        expect(error({ ports: [{ name: 'grpc', containerPort: 9000, servicePort: 8080 }] })).toBe(
          `${prefix} servicePort 8080; expected a Service port that no other exposed port uses with the same protocol: ports "http" and "grpc" both map to TCP 8080.`);
      });

      it('sidecar ports are in the Service and open to peers unless exposed: false', () => {
        const { manifests, construct } = make({
          sidecars: [{ name: 'proxy', image: SIDECAR_IMAGE, ports: [{ name: 'proxy', containerPort: 15001 }, { name: 'proxy-admin', containerPort: 15000, exposed: false }] }],
        });
        expect(one(manifests, 'Service', 'web').spec.ports.map((p: any) => p.name)).toEqual(['http', 'proxy']);
        expect(construct.servingPorts).toEqual([8080, 15001]);
      });
    });

    describe('connectTo between workloads', () => {
      it('opens every exposed port of the other workload, on both sides', () => {
        const chart = newChart('shop');
        const cart = f.create(chart, 'cart', { image: IMAGE, ports: [{ name: 'grpc', containerPort: 7070 }, { name: 'admin', containerPort: 9901, exposed: false }] });
        const web = f.create(chart, 'web', { ...base });
        web.connectTo(cart);
        const manifests = synth(chart);
        const cartPolicy = one(manifests, 'NetworkPolicy', 'cart');
        expect(cartPolicy.spec.ingress).toContainEqual({
          from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'web', 'app.kubernetes.io/name': 'web' } } }],
          ports: [{ port: 7070, protocol: 'TCP' }],
        });
        expect(one(manifests, 'NetworkPolicy', 'web').spec.egress).toContainEqual({
          to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'cart', 'app.kubernetes.io/name': 'cart' } } }],
          ports: [{ port: 7070, protocol: 'TCP' }],
        });
        expect(errorOf(() => web.connectTo({} as any))).toBe(
          `${f.construct} at 'test/web': invalid connectTo {}; expected a workload (ISafeWorkload) such as a SafeDeployment.`);
      });
    });

    describe('calls declared once', () => {
      const CART_SEL = { 'app.kubernetes.io/instance': 'cart', 'app.kubernetes.io/name': 'cart' };
      const WEB_SEL = { 'app.kubernetes.io/instance': 'web', 'app.kubernetes.io/name': 'web' };
      const cartProps: SafePodProps = {
        image: IMAGE,
        ports: [{ name: 'grpc', containerPort: 7070 }, { name: 'admin', containerPort: 9901 }],
        readiness: { check: ProbeCheck.grpc({ port: 'grpc' }) },
      };
      const configOf = (manifests: any[], name: string) => all(manifests, 'ConfigMap').find((c) => c.metadata.name.startsWith(`${name}-config-`));

      it('as caller: the address in the env var, egress to exactly that port, and the callee accepts exactly that port', () => {
        const chart = newChart('shop');
        const cart = new SafeDeployment(chart, 'cart', cartProps);
        f.create(chart, 'web', { ...base, calls: [{ workload: cart, port: 'grpc', env: 'CART_SERVICE_ADDR' }] });
        const manifests = synth(chart);
        expect(configOf(manifests, 'web').data.CART_SERVICE_ADDR).toBe('cart:7070');
        const egress = one(manifests, 'NetworkPolicy', 'web').spec.egress;
        expect(egress.filter((r: any) => r.to[0].podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'cart')).toEqual([
          { to: [{ podSelector: { matchLabels: CART_SEL } }], ports: [{ port: 7070, protocol: 'TCP' }] },
        ]);
        expect(one(manifests, 'NetworkPolicy', 'cart').spec.ingress).toEqual([
          expect.objectContaining({ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }] }),
          { from: [{ podSelector: { matchLabels: WEB_SEL } }], ports: [{ port: 7070, protocol: 'TCP' }] },
        ]);
      });

      if (f.serving) {
        it('as callee: across namespaces, the long address and a namespace selector on both sides', () => {
          const app = new App();
          const data = new Chart(app, 'data', { namespace: 'data' });
          const shop = new Chart(app, 'shop', { namespace: 'shop' });
          const cart = f.create(data, 'cart', cartProps);
          const web = new SafeDeployment(shop, 'web', { image: IMAGE, port: 8080, calls: [{ workload: cart, port: 'admin', env: 'CART_ADMIN' }] });
          expect(cart.addressFor(shop, 'grpc')).toBe('cart.data.svc:7070');
          expect(cart.addressFor(data)).toBe('cart:7070');
          expect(configOf(synth(shop), 'web').data.CART_ADMIN).toBe('cart.data.svc:9901');
          expect(one(synth(data), 'NetworkPolicy', 'cart').spec.ingress).toContainEqual({
            from: [{ podSelector: { matchLabels: WEB_SEL }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } }],
            ports: [{ port: 9901, protocol: 'TCP' }],
          });
          expect(one(synth(shop), 'NetworkPolicy', 'web').spec.egress).toContainEqual({
            to: [{ podSelector: { matchLabels: CART_SEL }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } } }],
            ports: [{ port: 9901, protocol: 'TCP' }],
          });
          expect(web.exposedPorts).toEqual([{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }]);
        });
      }
    });

    describe('probe kinds, each on a named port', () => {
      it('httpGet with headers and scheme, grpc with a service, tcpSocket, exec', () => {
        const { main } = make({
          ports: [{ name: 'grpc', containerPort: 9000 }, { name: 'admin', containerPort: 9901 }],
          readiness: { check: ProbeCheck.grpc({ port: 'grpc', service: 'shop.Cart' }) },
          liveness: { check: ProbeCheck.httpGet('/livez', { port: 'admin', headers: { 'X-Probe': 'kubelet', 'Accept': 'text/plain' }, scheme: ProbeScheme.HTTPS }) },
          startupTimeout: Duration.seconds(60),
        });
        expect(main.readinessProbe).toEqual({ grpc: { port: 9000, service: 'shop.Cart' }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3, successThreshold: 1 });
        expect(main.livenessProbe).toEqual({
          httpGet: { path: '/livez', port: 'admin', scheme: 'HTTPS', httpHeaders: [{ name: 'Accept', value: 'text/plain' }, { name: 'X-Probe', value: 'kubelet' }] },
          initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 6, successThreshold: 1,
        });
        expect(main.startupProbe.grpc).toEqual({ port: 9000, service: 'shop.Cart' });
        const other = make({
          readiness: { check: ProbeCheck.tcpSocket('http') },
          liveness: { check: ProbeCheck.exec(['/bin/health', '--live']) },
        }).main;
        expect(other.readinessProbe.tcpSocket).toEqual({ port: 'http' });
        expect(other.livenessProbe.exec).toEqual({ command: ['/bin/health', '--live'] });
        expect(make({ readiness: { check: ProbeCheck.grpc() } }).main.readinessProbe.grpc).toEqual({ port: 8080 });
      });

      it('a probe on an unknown port name is an error', () => {
        expect(error({ readiness: { check: ProbeCheck.httpGet('/ready', { port: 'grpc' }) } })).toBe(
          `${prefix} readiness.check.port "grpc"; expected the name of a port of the container: http; a probe on an unknown port never succeeds.`);
        expect(error({ liveness: { check: ProbeCheck.tcpSocket('admin') } })).toContain(`${prefix} liveness.check.port "admin"; expected the name of a port of the container: http;`);
        expect(error({ sidecars: [{ name: 'proxy', image: SIDECAR_IMAGE, liveness: { check: ProbeCheck.grpc() } }] })).toBe(
          `${prefix} sidecars[0].liveness.check "grpc"; expected a port to probe: the container has none; declare one with sidecars[0].ports, or use ProbeCheck.exec().`);
        expect(error({ sidecars: [{ name: 'proxy', image: SIDECAR_IMAGE, liveness: { check: ProbeCheck.tcpSocket('http') } }] })).toContain(
          `${prefix} sidecars[0].liveness.check.port "http"; expected the name of a port of the container: (none)`);
      });

      it('bad checks are errors', () => {
        expect(error({ readiness: { path: '/a', check: ProbeCheck.tcpSocket() } })).toBe(
          `${prefix} readiness.path "/a"; expected either path or check, not both: use check: ProbeCheck.httpGet("/a").`);
        expect(error({ readiness: { check: ProbeCheck.httpGet('ready') } })).toBe(`${prefix} readiness.check.path "ready"; expected an absolute HTTP path such as "/healthz".`);
        expect(error({ liveness: { check: ProbeCheck.exec([]) } })).toBe(`${prefix} liveness.check []; expected ProbeCheck.exec() with a non-empty command of non-empty strings.`);
        expect(error({ readiness: { check: ProbeCheck.httpGet('/r', { headers: { 'Bad Header': 'x' } }) } })).toContain(`${prefix} readiness.check.headers "Bad Header"`);
        expect(error({ ports: [{ name: 'dns', containerPort: 53, protocol: kplus.Protocol.UDP }], readiness: { check: ProbeCheck.tcpSocket('dns') } })).toBe(
          `${prefix} readiness.check.port "dns"; expected a TCP port: port "dns" is UDP, and the kubelet probes over TCP.`);
      });

      it('a sidecar with ports gets TCP probes on its first port and the preStop delay', () => {
        const { pod } = make({
          sidecars: [{ name: 'proxy', image: SIDECAR_IMAGE, ports: [{ name: 'proxy', containerPort: 15001 }], readiness: { path: '/ready' } }],
        });
        const proxy = pod.containers[1];
        expect(proxy.readinessProbe).toEqual({ httpGet: { path: '/ready', port: 'proxy', scheme: 'HTTP' }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3, successThreshold: 1 });
        expect(proxy.livenessProbe).toEqual({ tcpSocket: { port: 'proxy' }, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 6, successThreshold: 1 });
        expect(proxy.lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '10'] } } });
        const own = make({ sidecars: [{ name: 'proxy', image: SIDECAR_IMAGE, ports: [{ name: 'proxy', containerPort: 15001 }], preStopCommand: ['/proxy', 'drain'] }] });
        expect(own.pod.containers[1].lifecycle).toEqual({ preStop: { exec: { command: ['/proxy', 'drain'] } } });
      });

      it('a sidecar without ports needs a liveness command; it has no preStop delay', () => {
        expect(error({ sidecars: [{ name: 'proxy', image: SIDECAR_IMAGE }] })).toBe(
          `${prefix} sidecars[0].liveness (undefined); expected a liveness probe for a container without ports, e.g. { check: ProbeCheck.exec(['/bin/health']) }, or skip: { 'probe-liveness': '<reason>' } (rule probe-liveness).`);
        expect(error({ sidecars: [{ ...PROXY, readiness: { path: '/ready' } }] })).toBe(
          `${prefix} sidecars[0].readiness {"path":"/ready"}; expected no readiness probe without a port: a worker is not behind a Service.`);
        const { pod } = make({ sidecars: [PROXY] });
        expect(pod.containers[1].livenessProbe).toEqual({ exec: { command: ['/proxy', 'health'] }, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3, successThreshold: 1 });
        expect(pod.containers[1].readinessProbe).toBeUndefined();
        expect(pod.containers[1].lifecycle).toBeUndefined();
        expect(error({ sidecars: [{ ...PROXY, ports: [{ name: 'proxy', containerPort: 15001 }], liveness: { periodSeconds: 5, failureThreshold: 3 } }] })).toBe(
          `${prefix} sidecars[0].liveness {"periodSeconds":5,"failureThreshold":3}; expected a liveness probe more tolerant than readiness: periodSeconds x failureThreshold above 15s, so a slow pod leaves the Service before it is restarted (rule probe-liveness).`);
      });

      it('different checks drop the kube-score hint; identical ones keep it', () => {
        expect(make({ readiness: { check: ProbeCheck.tcpSocket() }, liveness: {} }).object.metadata.annotations).toEqual({ 'kube-score/ignore': 'pod-probes-identical' });
        expect(make({ readiness: { check: ProbeCheck.grpc() } }).object.metadata.annotations).toBeUndefined();
      });

      it('HTTP checks of one path are identical to kube-score whatever their headers; another path is not', () => {
        const get = (cookie: string, path = '/_healthz') => ({ check: ProbeCheck.httpGet(path, { headers: { Cookie: cookie } }) });
        expect(make({ readiness: get('probe=ready'), liveness: get('probe=live') }).object.metadata.annotations).toEqual({ 'kube-score/ignore': 'pod-probes-identical' });
        expect(make({ readiness: get('probe=ready'), liveness: get('probe=live', '/livez') }).object.metadata.annotations).toBeUndefined();
      });
    });

    describe('metrics on named ports', () => {
      it('a declared port is scraped by its name; the ServiceMonitor names it', () => {
        const { manifests, template, construct } = make({
          ports: [{ name: 'metrics', containerPort: 9090 }],
          metrics: { port: 9090, method: undefined },
        });
        expect(template.metadata.annotations['prometheus.io/port']).toBe('9090');
        expect(construct.servingPorts).toEqual([8080, 9090]);
        const sm = make({ ports: [{ name: 'admin', containerPort: 9901 }], metrics: { port: 9901, method: 'service-monitor' as any } }).manifests;
        expect(one(sm, 'ServiceMonitor').spec.endpoints).toEqual([{ port: 'admin', path: '/metrics', interval: '30s' }]);
        expect(one(sm, 'Service', 'web').spec.ports.map((p: any) => p.name)).toEqual(['http', 'admin']);
        expect(all(manifests, 'ServiceMonitor')).toHaveLength(0);
      });

      it('a ServiceMonitor needs an exposed port; a second port named metrics must be the metrics port', () => {
        expect(error({ ports: [{ name: 'admin', containerPort: 9901, exposed: false }], metrics: { port: 9901, method: 'service-monitor' as any } })).toBe(
          `${prefix} metrics.port 9901; expected an exposed port for a ServiceMonitor: port "admin" has exposed: false.`);
        expect(error({ ports: [{ name: 'metrics', containerPort: 9090 }], metrics: { port: 9100 } })).toBe(
          `${prefix} metrics.port 9100; expected the number of the port named "metrics", or a port number with no name of its own.`);
      });
    });

    describe('metrics on a sidecar (an exporter)', () => {
      const exporter = { name: 'exporter', image: SIDECAR_IMAGE, ports: [{ name: 'metrics', containerPort: 9121 }] };

      it.each([false, true])('native %s: scrape annotations on the sidecar port, no port added to the main container, and the checker agrees', (native) => {
        const { template, pod, main, manifests } = make({ kubernetesVersion: KubernetesVersion.V1_30, sidecars: [{ ...exporter, native }], metrics: { port: 9121 } });
        expect(template.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9121', 'prometheus.io/path': '/metrics' });
        expect(main.ports.map((p: any) => p.name)).toEqual(['http']);
        expect(byName(pod, 'exporter').ports).toEqual([{ containerPort: 9121, name: 'metrics', protocol: 'TCP' }]);
        expect((native ? pod.initContainers : pod.containers).map((c: any) => c.name)).toContain('exporter');
        expect(one(manifests, 'NetworkPolicy', 'web').spec.ingress).toContainEqual({
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
          ports: [{ port: 9121, protocol: 'TCP' }],
        });
        const found = Guardrails.check(manifests).violations.filter((v) => ['metrics', 'probe-readiness', 'graceful-shutdown'].includes(v.rule));
        expect(found.map((v) => `${v.rule}: ${v.message}`)).toEqual([]);
      });

      it('a ServiceMonitor names the sidecar port, which the Service exposes', () => {
        const { manifests } = make({ sidecars: [{ ...exporter }], metrics: { port: 9121, method: 'service-monitor' as any } });
        expect(one(manifests, 'ServiceMonitor').spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s' }]);
        expect(one(manifests, 'Service', 'web').spec.ports.map((p: any) => p.name)).toEqual(['http', 'metrics']);
      });

      it('a sidecar port with exposed: false cannot feed a ServiceMonitor; another port named metrics is still refused', () => {
        expect(error({ sidecars: [{ ...exporter, ports: [{ name: 'exporter', containerPort: 9121, exposed: false }] }], metrics: { port: 9121, method: 'service-monitor' as any } })).toBe(
          `${prefix} metrics.port 9121; expected an exposed port for a ServiceMonitor: port "exporter" has exposed: false.`);
        expect(error({ sidecars: [{ ...exporter }], metrics: { port: 9100 } })).toBe(
          `${prefix} metrics.port 9100; expected the number of the port named "metrics", or a port number with no name of its own.`);
      });
    });

    describe('the same port number on TCP and UDP', () => {
      const dns = [{ name: 'dns-tcp', containerPort: 53 }, { name: 'dns', containerPort: 53, protocol: kplus.Protocol.UDP }];

      it('is two ports: both declared, both in the Service, both opened to peers', () => {
        const chart = newChart('shop');
        const server = f.create(chart, 'dns', { image: IMAGE, ports: dns });
        const client = new SafeDeployment(chart, 'client', { image: IMAGE, port: 8080 });
        client.connectTo(server);
        const manifests = synth(chart);
        const template = podTemplateOf(one(manifests, f.kind, 'dns'));
        expect(template.spec.containers[0].ports).toEqual([
          { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
          { containerPort: 53, name: 'dns', protocol: 'UDP' },
        ]);
        expect(one(manifests, 'Service', 'dns').spec.ports).toEqual([
          { name: 'dns-tcp', port: 53, targetPort: 53, protocol: 'TCP' },
          { name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' },
        ]);
        expect(server.servingPorts).toEqual([53]);
        const open = [{ port: 53, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }];
        expect(one(manifests, 'NetworkPolicy', 'dns').spec.ingress).toContainEqual({
          from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'client', 'app.kubernetes.io/name': 'client' } } }], ports: open,
        });
        expect(one(manifests, 'NetworkPolicy', 'client').spec.egress).toContainEqual({
          to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'dns', 'app.kubernetes.io/name': 'dns' } } }], ports: open,
        });
        // Prometheus scrapes the TCP port of that number.
        expect(template.metadata.annotations['prometheus.io/port']).toBe('53');
      });

      it('a number twice on one protocol, or two Service ports on one number and protocol, are still refused', () => {
        expect(error({ port: undefined, ports: [...dns, { name: 'dns-again', containerPort: 53, protocol: kplus.Protocol.UDP }] })).toBe(
          `${prefix} ports[2].containerPort 53; expected a port number not declared twice in the pod with the same protocol: UDP 53 is port "dns".`);
        expect(error({ port: undefined, ports: [...dns, { name: 'alt', containerPort: 5353, protocol: kplus.Protocol.UDP, servicePort: 53 }] })).toBe(
          `${prefix} servicePort 53; expected a Service port that no other exposed port uses with the same protocol: ports "dns" and "alt" both map to UDP 53.`);
      });
    });

    describe('escape hatch', () => {
      it('JSON patches reach fields cdk8s-plus-27 does not know', () => {
        const chart = newChart();
        const w = f.create(chart, 'web', { ...base });
        const obj = ApiObject.of(w.node.findChild(f.kind));
        const path = f.kind === 'CronJob' ? '/spec/jobTemplate/spec/template/spec' : '/spec/template/spec';
        obj.addJsonPatch(JsonPatch.add(`${path}/containers/0/lifecycle/preStop`, { sleep: { seconds: 3 } }));
        const pod = podTemplateOf(one(synth(chart), f.kind)).spec;
        expect(pod.containers[0].lifecycle.preStop).toEqual({ sleep: { seconds: 3 } });
      });
    });
  });
  podValidationSuite(f);
}
