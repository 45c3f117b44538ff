import { App, Chart, Duration, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { podTemplateOf } from '../../lib/core/kinds';
import { NetworkPeer, NetworkProtocol, ProbeCheck, SafePodProps } from '../../lib';
import { errorOf, newChart, one, synth } from '../helpers';
import { CASES } from './pod-validation.cases';
import type { WorkloadFactory } from './pod-core.shared';

const IMAGE = 'ghcr.io/acme/web:1.4.2';
const SIDE = 'ghcr.io/acme/proxy:2.0.1';
const PROXY = { name: 'proxy', image: SIDE, liveness: { check: ProbeCheck.exec(['/proxy', 'health']) } };

/**
 * Every pod-level prop passes the shared validation rules before anything is written: the
 * error names the construct path, the prop, the value and what is allowed. Valid edge values
 * pass unchanged.
 */
export function podValidationSuite(f: WorkloadFactory): void {
  const base: SafePodProps = f.serving ? { image: IMAGE, port: 8080 } : { image: IMAGE };
  const make = (props: Partial<SafePodProps> = {}) => {
    const chart = newChart();
    const construct = f.create(chart, 'web', { ...base, ...props } as SafePodProps);
    const manifests = synth(chart);
    return { construct, manifests, pod: podTemplateOf(one(manifests, f.kind)).spec };
  };
  const error = (props: Partial<SafePodProps>) => errorOf(() => make(props));
  const prefix = `${f.construct} at 'test/web': invalid`;

  describe(`${f.construct}: pod-level validation`, () => {
    // Pods that run to completion (SafeJob, SafeCronJob) refuse serving props outright
    // (ports, probes, a preStop delay, ingress): those cases are theirs to test.
    const servingOnly = ['port', 'ports', 'readiness', 'liveness', 'startupTimeout', 'preStopDelay', 'metrics', 'allowFrom'];
    const applies = (props: Partial<SafePodProps>) => !f.runsToCompletion || !servingOnly.some((k) => k in props);
    for (const [group, all] of Object.entries(CASES)) {
      const cases = all.filter(([, props]) => applies(props));
      if (cases.length === 0) continue;
      it.each(cases)(`${group}: %s`, (_what, props, text) => {
        expect(error(props)).toBe(`${prefix} ${text}`);
      });
    }

    it('valid edge values pass and are written as given', () => {
      const { pod, manifests } = make({
        priorityClassName: 'system-cluster-critical',
        architecture: 'arm64',
        nodeSelector: { 'example.com/pool': 'gpu_a100-v2', 'kubernetes.io/arch': 'arm64' },
        version: 'v1.4.2-rc.1',
        env: { 'app.log-level': 'info' },
        files: { '.env': 'A=1', 'app.yaml': 'x: 1' },
        configMountPath: '/var/cache/app/conf',
        writablePaths: ['/var/cache/app', '/tmp'],
        secretEnv: [{ name: 'DB_PASSWORD', secretName: 'db.creds', key: '.password' }],
        ...(f.runsToCompletion ? {} : { preStopDelay: Duration.seconds(300), sidecars: [{ ...PROXY, writablePaths: ['/tmp'] }] }),
        terminationGracePeriod: Duration.days(1),
        allowedRegistries: ['ghcr.io/acme', 'registry.internal:5000'],
        command: ['/app'],
        args: [''],
      });
      const main = pod.containers[0];
      expect(pod.priorityClassName).toBe('system-cluster-critical');
      expect(pod.nodeSelector).toEqual({ 'example.com/pool': 'gpu_a100-v2', 'kubernetes.io/arch': 'arm64' });
      expect(pod.terminationGracePeriodSeconds).toBe(86400);
      expect(main.args).toEqual(['']);
      expect(main.volumeMounts.map((m: any) => m.mountPath)).toEqual(['/var/cache/app/conf', '/var/cache/app', '/tmp']);
      expect(main.env.find((e: any) => e.name === 'DB_PASSWORD').valueFrom.secretKeyRef).toEqual({ key: '.password', name: 'db.creds', optional: false });
      expect(Object.keys(one(manifests, 'ConfigMap').data)).toEqual(['.env', 'app.log-level', 'app.yaml']);
    });

    it('a workload needs a Chart: directly under the App, or under a plain construct there, is a clear error', () => {
      const expected = (path: string, parent: string) => `${f.construct} at '${path}': invalid scope ${JSON.stringify(parent)}; expected a Chart, or a construct inside one: `
        + 'create it in a Chart (new Chart(app, \'prod\'), an IsolatedNamespace), not directly under the App.';
      const app = Testing.app();
      expect(errorOf(() => f.create(app as any, 'web', base))).toBe(expected('web', '(the App)'));
      expect(errorOf(() => f.create(new Construct(app, 'group') as any, 'web', base))).toBe(expected('group/web', 'group'));
      expect(errorOf(() => f.create(new Construct(new Construct(new App(), 'a'), 'b') as any, 'web', base))).toBe(expected('a/b/web', 'a/b'));
      const chart = new Chart(Testing.app(), 'prod');
      expect(() => f.create(new Construct(chart, 'group') as any, 'web', base)).not.toThrow();
    });

    it('a skip reason is bounded by the annotations size limit', () => {
      expect(error({ skip: { 'image-pinned': 'r'.repeat(300 * 1024) } })).toBe(`${prefix} skip "(307237 bytes of annotations)"; expected at most 262144 bytes (256 KiB) of annotations on one object, keys and values together: the API server refuses more; keep long text in a ConfigMap or shorten it.`);
    });

    if (!f.serving) return;

    it.each([
      ['200,000 days', Duration.days(200000), 'startupTimeout "17280000000s"; expected a duration from 1 to 86400 seconds: a startup probe longer than a day hides a hung start.'],
      ['1500 ms', Duration.millis(1500), 'startupTimeout "1500ms"; expected a whole number of seconds from 1 to 86400 seconds: a startup probe longer than a day hides a hung start.'],
      ['0 s', Duration.seconds(0), 'startupTimeout "0s"; expected a duration from 1 to 86400 seconds: a startup probe longer than a day hides a hung start.'],
      ['2 days', Duration.days(2), 'startupTimeout "172800s"; expected a duration from 1 to 86400 seconds: a startup probe longer than a day hides a hung start.'],
    ])('startupTimeout of %s is refused', (_what, startupTimeout, text) => {
      expect(error({ startupTimeout })).toBe(`${prefix} ${text}`);
    });

    it('the longest startupTimeout gives a failureThreshold well inside int32', () => {
      const startup = make({ startupTimeout: Duration.days(1) }).pod.containers[0].startupProbe;
      expect(startup).toMatchObject({ periodSeconds: 5, failureThreshold: 17280 });
      expect(error({ readiness: { failureThreshold: 2 ** 31 } })).toBe(`${prefix} readiness.failureThreshold 2147483648; expected an integer from 1 to 1000.`);
      expect(error({ liveness: { periodSeconds: 1.5 } })).toBe(`${prefix} liveness.periodSeconds 1.5; expected an integer from 1 to 3600.`);
    });

    it.each([
      ['16 characters', { name: 'a'.repeat(16), containerPort: 9000 }],
      ['a double hyphen', { name: 'grpc--web', containerPort: 9000 }],
      ['a leading hyphen', { name: '-grpc', containerPort: 9000 }],
      ['no letter', { name: '9000', containerPort: 9000 }],
      ['upper case', { name: 'Grpc', containerPort: 9000 }],
    ])('a port name with %s is refused', (_what, port) => {
      expect(error({ ports: [port] })).toBe(`${prefix} ports[0].name ${JSON.stringify(port.name)}; expected a port name of at most 15 lower-case letters, digits and '-' with at least one letter (IANA_SVC_NAME).`);
    });

    it('port names and numbers are unique in the pod; probes name a declared port', () => {
      expect(error({ ports: [{ name: 'http', containerPort: 9000 }] })).toBe(`${prefix} ports[0].name "http"; expected a port name not used by another port of the pod.`);
      expect(error({ sidecars: [{ ...PROXY, ports: [{ name: 'proxy', containerPort: 8080 }] }] })).toBe(`${prefix} sidecars[0].ports[0].containerPort 8080; expected a port number not declared twice in the pod with the same protocol: TCP 8080 is port "http".`);
      expect(error({ readiness: { check: ProbeCheck.tcpSocket('grpc') } })).toBe(`${prefix} readiness.check.port "grpc"; expected the name of a port of the container: http; a probe on an unknown port never succeeds.`);
      expect(make({ ports: [{ name: 'dns', containerPort: 8080, protocol: 'UDP' as any, exposed: false }] }).pod.containers[0].ports).toHaveLength(2);
    });

    describe('allowFrom keeps a peer\'s own ports', () => {
      const ingress = (setup: (w: any) => void) => {
        const chart = newChart();
        const w = f.create(chart, 'web', { ...base, ports: [{ name: 'admin', containerPort: 9901 }] });
        setup(w);
        // The rules for the gateway (the metrics scraper has its own).
        return one(synth(chart), 'NetworkPolicy').spec.ingress.filter((r: any) => r.from[0].podSelector?.matchLabels?.app === 'gateway');
      };
      const gateway = NetworkPeer.pods({ app: 'gateway' });

      it('a peer limited with withPorts is opened on those ports only', () => {
        expect(ingress((w) => w.allowFrom(gateway.withPorts([{ port: 9901 }])))).toEqual([
          { from: [{ podSelector: { matchLabels: { app: 'gateway' } } }], ports: [{ port: 9901, protocol: 'TCP' }] },
        ]);
      });

      it('without ports: the serving ports; with explicit ports: those', () => {
        expect(ingress((w) => w.allowFrom(gateway))[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }, { port: 9901, protocol: 'TCP' }]);
        expect(ingress((w) => w.allowFrom(gateway, [{ port: 9901 }]))[0].ports).toEqual([{ port: 9901, protocol: 'TCP' }]);
        expect(ingress((w) => w.allowFrom(gateway.withPorts([{ port: 9901 }]), [{ port: 9901 }]))[0].ports).toEqual([{ port: 9901, protocol: 'TCP' }]);
      });

      it('a workload peer is opened on this workload\'s serving ports, not on its own', () => {
        const chart = newChart();
        const web = f.create(chart, 'web', base);
        const other = f.create(chart, 'api', { ...base, port: 9000 });
        web.allowFrom(NetworkPeer.workload(other));
        const policy = synth(chart).find((m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'web');
        expect(policy.spec.ingress[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
      });

      it('ports that differ from the peer\'s, or bad ports, are errors', () => {
        const make2 = (fn: (w: any) => void) => errorOf(() => ingress(fn));
        expect(make2((w) => w.allowFrom(gateway.withPorts([{ port: 9901 }]), [{ port: 8080 }]))).toBe(
          `${prefix} allowFrom ports [{"port":8080}]; expected the ports of the peer (pods {"app":"gateway"} is limited to [{"port":9901}] by withPorts), or only one of the two.`);
        expect(make2((w) => w.allowFrom(gateway.withPorts([{ port: 53, protocol: NetworkProtocol.UDP }]), [{ port: 53 }]))).toContain(`${prefix} allowFrom ports [{"port":53}]`);
        expect(make2((w) => w.allowFrom(gateway, [{ port: 70000 }]))).toBe(
          `${f.construct} at 'test/web': allowFrom() of pods {"app":"gateway"}: invalid ports[0].port 70000; expected a port number from 1 to 65535.`);
        expect(make2((w) => w.allowFrom('gateway'))).toBe(`${prefix} allowFrom peer "gateway"; expected a NetworkPeer such as NetworkPeer.pods({ app: 'gateway' }).`);
      });
    });
  });
}
