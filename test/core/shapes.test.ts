import { App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import {
  AcmeIssuer, AcmeSolver, GuardrailsApp, GuardrailsDefaults, IngressController, NetworkPeer, HashedConfigMap, IsolatedNamespace, ResourcePreset, SafeCronJob, SafeDaemonSet, SafeDeployment, SafeJob, SafeStatefulSet, TlsIngress,
} from '../../lib';
import { ENUM_VALUES, STRUCT_SHAPES } from '../../lib/core/prop-shapes';
import { checkTypeAt, shapeProblem, siblingProps } from '../../lib/core/shapes';
import { errorOf, newChart } from '../helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { generate } = require('../../scripts/prop-shapes.js');

const IMAGE = 'ghcr.io/acme/web:1.4.2';
const AT = "SafeDeployment at 'test/web': invalid";

/** The error of a SafeDeployment made from untyped props, as plain JavaScript or Python give them. */
function deployment(props: any): string {
  return errorOf(() => new SafeDeployment(newChart(), 'web', { image: IMAGE, port: 8080, ...props }));
}

describe('the shape of props from untyped languages', () => {
  it.each<[string, any, string]>([
    ['ports as one object', { port: undefined, ports: { name: 'x' } },
      `${AT} ports {"name":"x"}; expected a list of objects with the props of NamedPort (a list, e.g. [{"name":"x"}], not one object).`],
    ['a null sidecar', { sidecars: [null] }, `${AT} sidecars[0] null; expected an object with the props of SidecarContainerProps (not null).`],
    ['a preset as a string', { resourcePreset: 'small' }, `${AT} resourcePreset "small"; expected a ResourcePreset such as ResourcePreset.SMALL.`],
    ['a Duration as a number', { shutdownTimeout: 30 }, `${AT} shutdownTimeout 30; expected a Duration such as Duration.seconds(30).`],
    ['a Duration as a string', { startupTimeout: '2m' }, `${AT} startupTimeout "2m"; expected a Duration such as Duration.seconds(30).`],
    ['a cpu as a string', { resources: { cpuRequest: '500m' } }, `${AT} resources.cpuRequest "500m"; expected a Cpu such as Cpu.millis(500).`],
    ['replicas as a string', { replicas: '3' }, `${AT} replicas "3"; expected a number (write 3, not "3").`],
    ['a port that is not a number', { port: NaN }, `${AT} port NaN; expected a finite number.`],
    ['a port as a string in a list', { port: undefined, ports: [{ name: 'http', containerPort: '8080' }] },
      `${AT} ports[0].containerPort "8080"; expected a number (write 8080, not "8080").`],
    ['env as a list of pairs', { env: [['A', 'b']] }, `${AT} env [["A","b"]]; expected a map of string keys to strings (a map of keys to values, not a list).`],
    ['a Kubernetes version as a string', { kubernetesVersion: '1.30' }, `${AT} kubernetesVersion "1.30"; expected a KubernetesVersion such as KubernetesVersion.V1_30.`],
    ['a misspelt prop', { replica: 3 }, `${AT} prop replica 3; expected a prop of SafeDeploymentProps (did you mean replicas?).`],
    ['a misspelt nested prop', { resources: { cpuRequests: kplus.Cpu.millis(100) } },
      `${AT} resources.cpuRequests (a Cpu); expected a prop of ResourceValues (did you mean cpuRequest?).`],
    ['a null optional prop', { component: null }, `${AT} component null; expected a string, or no component at all (not null).`],
    ['a boolean as a string', { requireDigest: 'false' }, `${AT} requireDigest "false"; expected true or false (a boolean, not a string).`],
    ['an enum value that is not one', { imagePullPolicy: 'always' },
      `${AT} imagePullPolicy "always"; expected ImagePullPolicy.ALWAYS, IF_NOT_PRESENT or NEVER ("Always", "IfNotPresent", "Never").`],
  ])('%s is refused', (_what, props, text) => {
    expect(deployment(props)).toBe(text);
  });

  it('props that are not an object are refused', () => {
    expect(errorOf(() => new SafeDeployment(newChart(), 'web', 'nginx' as any))).toBe(
      `${AT} props "nginx"; expected an object with the props of SafeDeploymentProps.`);
    expect(errorOf(() => new SafeDeployment(newChart(), 'web', undefined as any))).toBe(
      `${AT} props (undefined); expected an object with the props of SafeDeploymentProps: props is required.`);
  });

  it('a missing required prop is named', () => {
    expect(deployment({ image: undefined })).toBe(`${AT} image (undefined); expected a string: image is required.`);
  });

  it('right values of every type pass: instances, enums, maps, lists, and unset props', () => {
    const d = new SafeDeployment(newChart(), 'web', {
      image: IMAGE, port: 8080, replicas: 3, resourcePreset: ResourcePreset.SMALL, shutdownTimeout: Duration.seconds(20),
      imagePullPolicy: kplus.ImagePullPolicy.ALWAYS, env: { A: 'b' }, command: ['/web'], component: undefined,
      resources: { cpuRequest: kplus.Cpu.millis(200), memoryLimit: Size.mebibytes(256) },
    });
    expect(d.name).toBe('web');
  });

  it('every construct gets the check', () => {
    const chart = () => newChart();
    expect(errorOf(() => new SafeStatefulSet(chart(), 'db', { image: IMAGE, port: 5432, replicas: '2' } as any)))
      .toBe(`SafeStatefulSet at 'test/db': invalid replicas "2"; expected a number (write 2, not "2").`);
    expect(errorOf(() => new SafeDaemonSet(chart(), 'agent', { image: IMAGE, tolerations: { key: 'a' } } as any)))
      .toBe(`SafeDaemonSet at 'test/agent': invalid tolerations {"key":"a"}; expected a list of objects with the props of Toleration (a list, e.g. [{"key":"a"}], not one object).`);
    expect(errorOf(() => new SafeJob(chart(), 'migrate', { image: IMAGE, backoffLimit: '3' } as any)))
      .toBe(`SafeJob at 'test/migrate': invalid backoffLimit "3"; expected a number (write 3, not "3").`);
    expect(errorOf(() => new SafeCronJob(chart(), 'report', { image: IMAGE, schedule: 5 } as any)))
      .toBe(`SafeCronJob at 'test/report': invalid schedule 5; expected a string (quote it: "5").`);
    expect(errorOf(() => new HashedConfigMap(chart(), 'cfg', { data: { a: 'b' }, hashLength: '8' } as any)))
      .toBe(`HashedConfigMap at 'test/cfg': invalid hashLength "8"; expected a number (write 8, not "8").`);
    expect(errorOf(() => new AcmeIssuer(chart(), 'acme', { email: ['ops@acme.io'] } as any)))
      .toBe(`AcmeIssuer at 'test/acme': invalid email ["ops@acme.io"]; expected a string.`);
    expect(errorOf(() => new TlsIngress(chart(), 'ing', { host: 'shop.acme.io', backend: 'web' } as any)))
      .toMatch(/^TlsIngress at 'test\/ing': invalid /);
    expect(errorOf(() => new IsolatedNamespace(new GuardrailsApp({ outdir: '/tmp' }), 'shop', { team: 'shop', labels: ['team=a'] } as any)))
      .toBe(`IsolatedNamespace at 'shop': invalid labels ["team=a"]; expected a map of string keys to strings (a map of keys to values, not a list).`);
    expect(errorOf(() => new GuardrailsApp({ outdir: 5 } as any)))
      .toBe('GuardrailsApp: invalid outdir 5; expected a string (quote it: "5").');
  });
});

describe('props of another workload kind', () => {
  const KINDS: Array<[string, (scope: Construct, props: any) => unknown, any]> = [
    ['SafeDeploymentProps', (s, p) => new SafeDeployment(s, 'w', p), { port: 8080 }],
    ['SafeStatefulSetProps', (s, p) => new SafeStatefulSet(s, 'w', p), { port: 8080 }],
    ['SafeDaemonSetProps', (s, p) => new SafeDaemonSet(s, 'w', p), {}],
    ['SafeJobProps', (s, p) => new SafeJob(s, 'w', p), {}],
    ['SafeCronJobProps', (s, p) => new SafeCronJob(s, 'w', p), { schedule: '0 3 * * *' }],
  ];
  // The shape check leaves these to each kind, which must refuse every one: none is ignored.
  for (const [struct, make, base] of KINDS) {
    const foreign = [...siblingProps(struct)].sort();
    it(`${struct.replace(/Props$/, '')} refuses each of ${foreign.length} props that only other kinds have`, () => {
      expect(foreign.length).toBeGreaterThan(0);
      const accepted = foreign.filter((prop) => {
        const value = sample(prop);
        try {
          make(newChart(), { image: IMAGE, ...base, [prop]: value });
          return true;
        } catch {
          return false;
        }
      });
      expect(accepted).toEqual([]);
    });
  }
});

/** A value of the type a prop has in the struct that declares it. */
function sample(prop: string): unknown {
  for (const fields of Object.values(STRUCT_SHAPES)) {
    const type = fields[prop]?.replace(/\?$/, '');
    if (type === undefined) continue;
    if (type === 'number') return 1;
    if (type === 'boolean') return true;
    if (type === 'string') return 'x';
    if (type.endsWith('[]')) return [];
    if (type.startsWith('{')) return {};
    if (type === 'class:Duration') return Duration.seconds(1);
    if (type.startsWith('enum:')) return Object.values(ENUM_VALUES[type.slice(5)])[0];
    return {};
  }
  return 1;
}

describe('the generated shapes', () => {
  it('match the public declarations (run node scripts/prop-shapes.js after changing a props struct)', () => {
    const { readFileSync } = require('fs');
    expect(readFileSync(require.resolve('../../lib/core/prop-shapes.ts'), 'utf8')).toBe(generate());
  }, 60_000);
});

describe('the shape check runs on public entry points that take a struct, not only constructors', () => {
  const chart = () => new Chart(new App(), 'c');
  it('GuardrailsDefaults.set refuses a misspelt or mistyped default, as GuardrailsApp({ defaults }) does', () => {
    expect(() => GuardrailsDefaults.set(chart(), { allowedRegistry: ['ghcr.io'] } as any)).toThrow(
      'GuardrailsDefaults at \'c\': invalid prop allowedRegistry ["ghcr.io"]; expected a prop of GuardrailsDefaultsProps (did you mean allowedRegistries?).');
    expect(() => GuardrailsDefaults.set(chart(), { resourcePresett: ResourcePreset.LARGE } as any)).toThrow(
      /^GuardrailsDefaults at 'c': invalid prop resourcePresett .*; expected a prop of GuardrailsDefaultsProps \(did you mean resourcePreset\?\)\./);
    expect(() => GuardrailsDefaults.set(chart(), { allowedRegistries: 'ghcr.io' } as any)).toThrow(
      'GuardrailsDefaults at \'c\': invalid allowedRegistries "ghcr.io"; expected a list of strings.');
    const ok = chart();
    GuardrailsDefaults.set(ok, { allowedRegistries: ['ghcr.io'], resourcePreset: ResourcePreset.LARGE });
    expect(GuardrailsDefaults.of(ok).allowedRegistries).toEqual(['ghcr.io']);
  });

  it('solver and controller factories and NetworkPort lists refuse unknown fields', () => {
    expect(() => AcmeSolver.cloudflare({ apiTokenSecret: { name: 'x', key: 'k' }, zone: ['a'] } as any)).toThrow(
      'AcmeSolver.cloudflare(): invalid prop zone ["a"]; expected a prop of CloudflareSolverOptions, one of apiTokenSecret, dnsZones, dnsNames.');
    expect(() => IngressController.generic({ ingressClassName: 'x', namespace: 'y', podLabel: {} } as any)).toThrow(
      'IngressController.generic(): invalid prop podLabel {}; expected a prop of GenericControllerOptions (did you mean podLabels?).');
    expect(() => NetworkPeer.cidr('10.0.0.0/8').withPorts([{ port: 443, endport: 500 } as any])).toThrow(
      'NetworkPeer.withPorts() of cidr 10.0.0.0/8: invalid ports[0].endport 500; expected a prop of NetworkPort (did you mean endPort?).');
    expect(() => AcmeSolver.http01({ controler: IngressController.nginx() } as any)).toThrow(
      /^AcmeSolver.http01\(\): invalid prop controler .*; expected a prop of Http01SolverOptions \(did you mean controller\?\)\./);
    expect(NetworkPeer.cidr('10.0.0.0/8').withPorts([{ port: 443, endPort: 500 }]).ports).toEqual([{ port: 443, endPort: 500 }]);
    expect(IngressController.generic({ ingressClassName: 'x', namespace: 'y', podLabels: { app: 'x' } }).ingressClassName).toBe('x');
  });
});

describe('the compiled check agrees with the worded one', () => {
  // checkTypeAt passes a value on the compiled check alone and words a refusal with
  // shapeProblem: a value that one accepts and the other refuses would pass unchecked.
  const TYPES = [
    'any', 'string', 'string?', 'number', 'number?', 'boolean', 'boolean?', 'string[]', 'number[]?', '{string}', '{number}?',
    'enum:NetworkProtocol', 'enum:NetworkProtocol?', 'class:Duration', 'class:Duration?', 'object:ISafeWorkload',
    'struct:NetworkPort', 'struct:NetworkPort[]', 'struct:NetworkPort?', 'struct:AutoscalingOptions', 'struct:SafeDeploymentProps',
    'enum:NoSuchEnum', 'struct:NoSuchStruct',
  ];
  const nullProto = Object.create(null);
  nullProto.port = 80;
  const VALUES: unknown[] = [
    undefined, null, '', 'x', '80', 0, 80, NaN, Infinity, true, 'TCP', 'tcp', [], [1], ['a'], [undefined], new Array(2), {}, { a: 1 },
    { port: 80 }, { port: '80' }, { port: 80, protocol: 'UDP' }, { port: 80, protocol: 'udp' }, { port: 80, endport: 90 },
    { port: 80, extra: undefined }, { port: 80, toString: 1 }, nullProto, [{ port: 53 }, { port: 53, protocol: 'TCP' }], [{ port: 53 }, null],
    { maxReplicas: 3 }, { maxReplicas: '3' }, { image: 'nginx:1.27.0', port: 8080 }, { image: 'nginx:1.27.0', port: 8080, replicas: 2.5 },
    { image: 'nginx:1.27.0', prot: 8080 }, Duration.seconds(30), Size.mebibytes(1), new Date(0), () => 1,
  ];
  for (const type of TYPES) {
    it(type, () => {
      for (const value of VALUES) {
        let worded: unknown;
        try {
          worded = shapeProblem(type, value, 'v') === undefined ? 'pass' : 'refuse';
        } catch (e) {
          worded = `throws ${(e as Error).message}`;
        }
        let compiled: unknown;
        try {
          checkTypeAt('where', type, value, 'v');
          compiled = 'pass';
        } catch (e) {
          compiled = (e as Error).message.startsWith('where: invalid') ? 'refuse' : `throws ${(e as Error).message}`;
        }
        expect({ value, verdict: compiled }).toEqual({ value, verdict: worded });
      }
    });
  }
});
