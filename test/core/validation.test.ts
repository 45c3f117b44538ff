import { cidrFormWarning, ipFormWarning } from '../../lib/core/validation/cidr';
import { Duration, Size, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import {
  annotationKeyProblem, annotationsBytes, checkAnnotations, checkConfigData, checkConfigKey, checkDistinctPaths, checkDnsSubdomain, checkEnvName,
  checkInt32, checkLabels, checkNonEmptyLabelValue, checkPortRange, checkQuantity, checkUnused,
  cidrProblem, cleanAbsolutePathProblem, configMapKeyProblem, dns1035LabelProblem, dns1123LabelProblem, dns1123SubdomainProblem,
  envVarNameProblem, ingressPathProblem, int32Problem, labelValueProblem, portProblem, portRangeProblem, qualifiedNameProblem,
  quantityProblem, registryPrefixProblem, unknownKeyProblem,
} from '../../lib/core/validate';
import { checkDuration, checkSize } from '../../lib/core/validation/units';
import { errorOf } from '../helpers';

/** Asserts which values a rule accepts and which it refuses. */
function rule(problem: (v: any) => string | undefined, valid: unknown[], invalid: unknown[]): void {
  for (const v of valid) expect(problem(v), `valid: ${JSON.stringify(v)}`).toBeUndefined();
  for (const v of invalid) expect(problem(v), `invalid: ${JSON.stringify(v)}`).toBeTypeOf('string');
}

describe('the API server rules', () => {
  it('DNS-1123 labels', () => {
    rule(dns1123LabelProblem, ['a', 'web', 'web-1', '1web', 'a'.repeat(63)],
      ['', 'Web', 'web_1', '-web', 'web-', 'a.b', 'a'.repeat(64), ' web', 'wéb', 42, undefined]);
    expect(dns1123LabelProblem('a'.repeat(48), 47)).toBe('a DNS-1123 label of at most 47 characters: lower-case letters, digits and \'-\', starting and ending with a letter or digit');
  });

  it('DNS-1123 subdomains', () => {
    rule(dns1123SubdomainProblem, ['a', 'a.b', 'web-1.example.com', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`],
      ['', 'A.b', 'a..b', '.a', 'a.', 'a_b', 'a'.repeat(254), 'a/b']);
  });

  it('DNS-1035 labels', () => {
    rule(dns1035LabelProblem, ['a', 'web-1', 'a'.repeat(63)], ['1web', '', 'web-', 'Web', 'a'.repeat(64)]);
  });

  it('qualified names (label keys)', () => {
    rule(qualifiedNameProblem,
      ['app', 'App_Name.1', 'example.com/team', 'kubernetes.io/arch', 'a/b', `${'a'.repeat(253)}/x`, 'x'.repeat(63)],
      ['', 'bad key!', 'disk type', 'a/b/c', '/name', 'example.com/', 'Example.com/team', '-app', 'app-', 'x'.repeat(64),
        `${'a'.repeat(254)}/x`, 'a_b/x', 'é', 7]);
  });

  it('annotation keys: qualified names in any case', () => {
    rule(annotationKeyProblem, ['Example.COM/Owner', 'note', 'kubectl.kubernetes.io/last-applied-configuration'],
      ['bad key!', 'a/b/c', '', '.x']);
  });

  it('label values', () => {
    rule(labelValueProblem, ['', 'a', 'A_b.c-1', '1', 'x'.repeat(63)],
      ['cost center 7', '-a', 'a-', '_a', 'a/b', 'x'.repeat(64), 'é', 1, null]);
  });

  it('annotations count bytes, keys and values', () => {
    expect(annotationsBytes({ ab: 'cd', é: 'é' })).toBe(8);
  });

  it('ConfigMap keys', () => {
    rule(configMapKeyProblem, ['a', '.env', 'a..b', 'A_b-c.1', '.x..', 'k'.repeat(253)],
      ['.', '..', '..data', '..2024_01_01', 'a b', 'a/b', '', 'k'.repeat(254), 'ключ']);
  });

  it('environment variable names', () => {
    rule(envVarNameProblem, ['A', 'my.env-name', 'MY_ENV.NAME', '_x', '-x', '.x'],
      ['1A', 'A B', 'A=B', '', '.', '..', '..x', 'é']);
  });

  it('ports and port ranges', () => {
    rule(portProblem, [1, 80, 65535], [0, -1, 65536, 1.5, NaN, '80']);
    expect(portRangeProblem(443, undefined)).toBeUndefined();
    expect(portRangeProblem(8000, 8000)).toBeUndefined();
    expect(portRangeProblem(8000, 9000)).toBeUndefined();
    expect(portRangeProblem(9000, 8000)).toBe('an endPort from port (9000) to 65535');
    expect(portRangeProblem(9000, 65536)).toBe('an endPort from port (9000) to 65535');
    expect(portRangeProblem(9000, 9000.5)).toBe('an endPort from port (9000) to 65535');
  });

  it('int32', () => {
    rule((v) => int32Problem(v, 0), [0, 1, 2147483647], [-1, 2147483648, 1e400, NaN, 0.5, 17280000000]);
  });

  it('CIDRs, IPv4 and IPv6', () => {
    rule(cidrProblem, ['10.0.0.0/8', '0.0.0.0/0', '192.168.1.1/32', 'fd00::/8', '::/0', '2001:db8::/32', 'FD00:0::/16'],
      ['10.0.0.0/33', '10.0.0.0', '10.0.0.1/8', '10.0.0.256/32', '10.0.0/24', 'fd00::/129', 'fd00::1::/64', 'fd00::/08', '10.0.0.0/-1', '', 'a/8', 8, '::ffff:10.0.0.0/104']);
    expect(cidrProblem('10.0.0.0/33')).toBe('a CIDR such as "10.0.0.0/8" or "fd00::/8" (the prefix length must be 0 to 32)');
    expect(cidrProblem('::ffff:10.0.0.0/104')).toBe('a CIDR such as "10.0.0.0/8" or "fd00::/8" (an IPv4-mapped IPv6 address, which the API server refuses from Kubernetes 1.36 on: write it as IPv4, such as "10.0.0.0/8")');
  });

  it('IPv6 addresses and CIDRs in RFC 5952 form: lower case, no leading zeros, the first longest run of 2+ zero groups as "::"', () => {
    rule(cidrFormWarning, ['fd00::/8', '10.0.0.0/8', '2001:db8:0:1::/64', 'fd00::2:0:1:0:0/96', '::/0', 'x', 8], ['FD00::/8', 'fd00:0::/16', 'fd00:0:0:0::/64', 'fd00:0:0:2:0:1::/96', '2001:0db8::/32', '0::/0']);
    expect(cidrFormWarning('fd00:0:0:2:0:1::/96')).toBe('"fd00:0:0:2:0:1::/96" is not in canonical form; the API server warns "IPv6 CIDR value should be in RFC 5952 canonical format": write "fd00::2:0:1:0:0/96"');
    rule(ipFormWarning, ['fd00::1', '10.0.0.1', '2001:db8::1:0:0:1', 'fd00:1:2:3:4:5:6:7', '::a00:1', '::ffff:10.0.0.1', 'x', 1], ['FD00::1', 'fd00:0::1', '2001:db8:0:0:1::1', 'fd00::0001', '::10.0.0.1']);
    expect(ipFormWarning('2001:db8:0:0:1::1')).toBe('"2001:db8:0:0:1::1" is not in canonical form; the API server warns "IPv6 address should be in RFC 5952 canonical format": write "2001:db8::1:0:0:1"');
  });

  it('quantities: the resource.Quantity grammar', () => {
    rule((v) => quantityProblem(v, { nonNegative: true }),
      ['1', '0', '250m', '0.5', '.5', '1.', '128Mi', '1Gi', '1e3', '1E-2', '+1', '100n', '2k', '1Ei', '-0'],
      ['', '1GB', '0.5.5', '-1', '-250m', '1 Gi', 'Gi', '1gi', '1K', '1e', '1e1.5', '1..', 'm', ' 1', 1, '1ki']);
    expect(quantityProblem('-1')).toBeUndefined();
    expect(quantityProblem('-1', { nonNegative: true })).toBe('a quantity of at least 0 (a Kubernetes quantity such as "250m", "0.5", "128Mi", "1Gi" or "1e3")');
  });

  it('clean absolute paths', () => {
    rule(cleanAbsolutePathProblem, ['/', '/tmp', '/var/cache/app', '/a.b/..c', '/.x'],
      ['', 'tmp', '/tmp/', '//tmp', '/a//b', '/a/./b', '/a/..', '/..', '/a/../b', '/.', './a', '/a\0b']);
  });

  it('Ingress paths of type Prefix and Exact', () => {
    rule(ingressPathProblem, ['/', '/api', '/api/v1/', '/static/..js', '/a..b', '/~u/x'],
      ['api', '', '/api//v1', '//', '/static/..', '/static/.', '/a/./b', '/a/../b', '/a%2fb', '/a%2Fb']);
  });

  it('registry prefixes', () => {
    rule(registryPrefixProblem, ['ghcr.io', 'ghcr.io/acme', 'ghcr.io/acme/', 'registry.internal:5000', 'localhost', 'localhost:5000/team/app', 'docker.io/library'],
      ['https://ghcr.io', 'GHCR.io', '*.ghcr.io', 'ghcr.io/Acme', 'ghcr.io/acme:1.0', 'ghcr.io@sha256:abc', '', 'ghcr io', 'ghcr.io//acme']);
  });

  it('unknown keys', () => {
    expect(unknownKeyProblem({ requireDigst: true }, ['requireDigest'])).toBe('requireDigst');
    expect(unknownKeyProblem({ requireDigest: undefined }, ['requireDigest'])).toBeUndefined();
    expect(unknownKeyProblem(undefined, ['requireDigest'])).toBeUndefined();
  });
});

describe('construct-time checks', () => {
  const scope = () => new Construct(Testing.app(), 'thing');
  const AT = "Thing at 'thing': invalid ";

  it('labels: keys and values, naming the key', () => {
    expect(errorOf(() => checkLabels(scope(), 'Thing', 'nodeSelector', { 'disk type': 'ssd' }))).toContain(`${AT}nodeSelector key "disk type"; expected a key of the form [prefix/]name`);
    expect(errorOf(() => checkLabels(scope(), 'Thing', 'labels', { cost: 'cost center 7' }))).toContain(`${AT}labels.cost "cost center 7"; expected a label value`);
    expect(errorOf(() => checkLabels(scope(), 'Thing', 'labels', { n: 7 as unknown as string }))).toContain(`${AT}labels.n 7; expected a string: a label value`);
    expect(errorOf(() => checkLabels(scope(), 'Thing', 'labels', ['a'] as unknown as { [k: string]: string }))).toBe(`${AT}labels ["a"]; expected a map of label keys to label values.`);
    expect(checkLabels(scope(), 'Thing', 'labels', { 'kubernetes.io/arch': 'arm64', 'e': '' })).toEqual({ 'kubernetes.io/arch': 'arm64', 'e': '' });
  });

  it('annotations: keys, string values and the 256 KiB total', () => {
    expect(errorOf(() => checkAnnotations(scope(), 'Thing', 'annotations', { 'bad key!': 'x' }))).toContain(`${AT}annotations key "bad key!"`);
    expect(errorOf(() => checkAnnotations(scope(), 'Thing', 'annotations', { a: 'x'.repeat(262144) }))).toContain(`${AT}annotations "(262145 bytes of annotations)"`);
    expect(errorOf(() => checkAnnotations(scope(), 'Thing', 'annotations', { n: true as unknown as string }))).toBe(`${AT}annotations.n true; expected a string (annotation values are strings: quote numbers and booleans).`);
    expect(Object.keys(checkAnnotations(scope(), 'Thing', 'annotations', { a: 'x'.repeat(262143) }))).toEqual(['a']);
    expect(errorOf(() => checkAnnotations(scope(), 'Thing', 'annotations', { a: 'x' }, 262143))).toContain(`${AT}annotations "(262145 bytes of annotations)"; expected at most 262144 bytes (256 KiB)`);
  });

  it('ConfigMap data: keys, values and the 1 MiB total', () => {
    expect(errorOf(() => checkConfigData(scope(), 'Thing', 'files', { '..data': 'x' }))).toContain(`${AT}files key "..data"`);
    expect(errorOf(() => checkConfigData(scope(), 'Thing', 'files', { a: 'x'.repeat(1024 * 1024) }))).toContain(`${AT}files "(1048577 bytes in 1 keys)"; expected at most 1048576 bytes (1 MiB)`);
    expect(Object.keys(checkConfigData(scope(), 'Thing', 'files', { b: '', a: 'x'.repeat(1024 * 1024 - 3) }))).toEqual(['a', 'b']);
  });

  it('port ranges', () => {
    expect(errorOf(() => checkPortRange(scope(), 'Thing', 'ports[0]', 9000, 8000))).toBe(`${AT}ports[0].endPort 8000; expected an endPort from port (9000) to 65535.`);
    expect(errorOf(() => checkPortRange(scope(), 'Thing', 'ports[0]', 0, undefined))).toBe(`${AT}ports[0].port 0; expected a port number from 1 to 65535.`);
  });

  it('mount paths: clean, absolute and each once', () => {
    expect(errorOf(() => checkDistinctPaths(scope(), 'Thing', [['configMountPath', '/etc/app'], ['writablePaths[0]', '/etc/app']]))).toBe(
      `${AT}writablePaths[0] "/etc/app"; expected a path not already used by configMountPath: two mounts at one path are refused by the API server.`);
    expect(errorOf(() => checkDistinctPaths(scope(), 'Thing', [['writablePaths[0]', '/tmp'], ['writablePaths[1]', '/tmp']]))).toContain(
      `${AT}writablePaths[1] "/tmp"; expected a path not already used by writablePaths[0]`);
    expect(errorOf(() => checkDistinctPaths(scope(), 'Thing', [['writablePaths[0]', '/tmp/']]))).toContain(`${AT}writablePaths[0] "/tmp/"; expected an absolute path in clean form`);
    expect(() => checkDistinctPaths(scope(), 'Thing', [['configMountPath', '/etc/app'], ['writablePaths[0]', '/etc/app/cache'], ['writablePaths[1]', '/tmp']])).not.toThrow();
  });

  it('durations: whole seconds within bounds, never the raw cdk8s error', () => {
    expect(errorOf(() => checkDuration(scope(), 'Thing', 'preStopDelay', Duration.millis(1500)))).toBe(`${AT}preStopDelay "1500ms"; expected a whole number of seconds from 0 to 2147483647 seconds.`);
    expect(errorOf(() => checkDuration(scope(), 'Thing', 'preStopDelay', Duration.seconds(NaN)))).toBe(`${AT}preStopDelay "NaN"; expected a whole number of seconds from 0 to 2147483647 seconds.`);
    expect(errorOf(() => checkDuration(scope(), 'Thing', 'startupTimeout', Duration.days(200000)))).toBe(`${AT}startupTimeout "17280000000s"; expected a duration from 0 to 2147483647 seconds.`);
    expect(errorOf(() => checkDuration(scope(), 'Thing', 'preStopDelay', Duration.days(365), { maxSeconds: 3600, why: 'the pod waits that long before it stops' })))
      .toBe(`${AT}preStopDelay "31536000s"; expected a duration from 0 to 3600 seconds: the pod waits that long before it stops.`);
    expect(errorOf(() => checkDuration(scope(), 'Thing', 'timeout', 30 as unknown as Duration))).toBe(`${AT}timeout 30; expected a Duration, such as Duration.seconds(30).`);
    expect(checkDuration(scope(), 'Thing', 'timeout', Duration.minutes(2), { minSeconds: 1 })).toBe(120);
  });

  it('sizes: whole and finite', () => {
    expect(errorOf(() => checkSize(scope(), 'Thing', 'storage', Size.gibibytes(1e300)))).toBe(`${AT}storage "Infinity"; expected a whole number of bytes from 0 to 9007199254740991 (about 8191 TiB).`);
    expect(errorOf(() => checkSize(scope(), 'Thing', 'storage', Size.kibibytes(0.0001)))).toBe(`${AT}storage "0.1024 bytes"; expected a whole number of bytes from 0 to 9007199254740991 (about 8191 TiB).`);
    expect(errorOf(() => checkSize(scope(), 'Thing', 'storage', Size.pebibyte(9000)))).toContain(`${AT}storage "10133099161583616000 bytes"`);
    expect(checkSize(scope(), 'Thing', 'storage', Size.gibibytes(1))).toBe(2 ** 30);
  });
});

// The validators that the pod props (priorityClassName, nodeSelector, labels, secretEnv,
// startupTimeout, preStopDelay, writablePaths and configMountPath, maxUnavailable, version)
// are to call, on the examples and more of each kind.
describe('validators for pod props', () => {
  const scope = () => new Construct(Testing.app(), 'web');
  const AT = "SafeDeployment at 'web': invalid ";
  const K = 'SafeDeployment';

  it('priorityClassName: a DNS-1123 subdomain', () => {
    for (const v of ['Critical_Class', 'high priority', 'High', '-high', 'a'.repeat(254)]) {
      expect(errorOf(() => checkDnsSubdomain(scope(), K, 'priorityClassName', v))).toContain(`${AT}priorityClassName ${JSON.stringify(v)}; expected a DNS-1123 subdomain`);
    }
    expect(checkDnsSubdomain(scope(), K, 'priorityClassName', 'system-cluster-critical')).toBe('system-cluster-critical');
  });

  it('nodeSelector and labels: qualified-name keys, label values', () => {
    expect(errorOf(() => checkLabels(scope(), K, 'nodeSelector', { 'disk type': 'ssd' }))).toContain(`${AT}nodeSelector key "disk type"`);
    expect(errorOf(() => checkLabels(scope(), K, 'nodeSelector', { 'node.kubernetes.io/instance-type': 'm5 large' }))).toContain(`${AT}nodeSelector.node.kubernetes.io/instance-type "m5 large"`);
    expect(errorOf(() => checkLabels(scope(), K, 'labels', { cost: 'cost center 7' }))).toContain(`${AT}labels.cost "cost center 7"`);
    expect(errorOf(() => checkLabels(scope(), K, 'labels', { 'team/': 'x' }))).toContain(`${AT}labels key "team/"`);
  });

  it('secretEnv: a Secret name, a key, an environment variable name', () => {
    expect(errorOf(() => checkDnsSubdomain(scope(), K, 'secretEnv[0].secretName', ''))).toContain(`${AT}secretEnv[0].secretName ""; expected a DNS-1123 subdomain`);
    expect(errorOf(() => checkConfigKey(scope(), K, 'secretEnv[0].key', '../k'))).toContain(`${AT}secretEnv[0].key "../k"; expected a ConfigMap key`);
    expect(errorOf(() => checkConfigKey(scope(), K, 'secretEnv[0].key', '..data'))).toContain(`${AT}secretEnv[0].key "..data"`);
    expect(errorOf(() => checkEnvName(scope(), K, 'secretEnv[0].name', '1PASSWORD'))).toContain(`${AT}secretEnv[0].name "1PASSWORD"; expected an environment variable name`);
    expect(errorOf(() => checkEnvName(scope(), K, 'env', '..'))).toContain(`${AT}env ".."`);
  });

  it('startupTimeout and preStopDelay: bounded durations', () => {
    expect(errorOf(() => checkDuration(scope(), K, 'startupTimeout', Duration.days(200000), { minSeconds: 1, maxSeconds: 86400, why: 'a startup probe longer than a day hides a hung start' })))
      .toBe(`${AT}startupTimeout "17280000000s"; expected a duration from 1 to 86400 seconds: a startup probe longer than a day hides a hung start.`);
    expect(errorOf(() => checkDuration(scope(), K, 'preStopDelay', Duration.days(365), { maxSeconds: 300, why: 'the pod keeps its endpoints that long when it stops' })))
      .toBe(`${AT}preStopDelay "31536000s"; expected a duration from 0 to 300 seconds: the pod keeps its endpoints that long when it stops.`);
    expect(errorOf(() => checkDuration(scope(), K, 'preStopDelay', Duration.millis(1500)))).toContain(`${AT}preStopDelay "1500ms"; expected a whole number of seconds`);
  });

  it('writablePaths and configMountPath: clean, absolute, each once', () => {
    expect(errorOf(() => checkDistinctPaths(scope(), K, [['writablePaths[0]', '/etc/web'], ['configMountPath', '/etc/web']])))
      .toBe(`${AT}configMountPath "/etc/web"; expected a path not already used by writablePaths[0]: two mounts at one path are refused by the API server.`);
    expect(errorOf(() => checkDistinctPaths(scope(), K, [['writablePaths[0]', '/tmp'], ['writablePaths[1]', '/tmp']]))).toContain(`${AT}writablePaths[1] "/tmp"`);
    expect(errorOf(() => checkDistinctPaths(scope(), K, [['writablePaths[0]', '/var//cache']]))).toContain(`${AT}writablePaths[0] "/var//cache"; expected an absolute path in clean form`);
    expect(errorOf(() => checkDistinctPaths(scope(), K, [['configMountPath', 'etc/web']]))).toContain(`${AT}configMountPath "etc/web"; expected an absolute path in clean form`);
  });

  it('maxUnavailable with one replica, and an empty version', () => {
    expect(errorOf(() => checkUnused(scope(), K, 'maxUnavailable', 1, 'a PodDisruptionBudget exists only from 2 replicas (rule pdb); drop it or raise replicas')))
      .toBe(`${AT}maxUnavailable 1; expected no maxUnavailable: a PodDisruptionBudget exists only from 2 replicas (rule pdb); drop it or raise replicas.`);
    expect(() => checkUnused(scope(), K, 'maxUnavailable', undefined, 'x')).not.toThrow();
    expect(errorOf(() => checkNonEmptyLabelValue(scope(), K, 'version', ''))).toBe(`${AT}version ""; expected a non-empty label value of at most 63 characters: letters, digits, '-', '_' and '.', starting and ending with a letter or digit.`);
  });

  it('quantities of resources', () => {
    for (const v of ['-1', '1GB', '0.5.5', '']) {
      expect(errorOf(() => checkQuantity(scope(), K, 'resources.cpuRequest', v))).toContain(`${AT}resources.cpuRequest ${JSON.stringify(v)}; expected a`);
    }
    expect(checkQuantity(scope(), K, 'resources.cpuRequest', '250m')).toBe('250m');
  });

  it('int32 fields', () => {
    expect(errorOf(() => checkInt32(scope(), K, 'failureThreshold', 3456000000, 1))).toBe(`${AT}failureThreshold 3456000000; expected an integer from 1 to 2147483647.`);
  });
});
