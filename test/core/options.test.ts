import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Guardrails, GuardrailsOptions, SafeDeployment } from '../../lib';
import { errorOf } from '../helpers';
import { main } from '../../lib/cli/main';
import { OptionAt, resolveOptions } from '../../lib/practices/options';

const KNOWN = 'one of the options profile, allowedRegistries, requireDigest, pinnedTagPattern, requireArchitecture, externalServiceAccounts, externalServices, externalSecrets, disabledRules';

describe('Guardrails options', () => {
  it.each([
    [{ requireDigst: true }, `invalid option requireDigst true; expected ${KNOWN} (did you mean requireDigest?).`],
    [{ allowedRegistry: ['ghcr.io'] }, `invalid option allowedRegistry ["ghcr.io"]; expected ${KNOWN} (did you mean allowedRegistries?).`],
    [{ disableRules: {} }, `invalid option disableRules {}; expected ${KNOWN} (did you mean disabledRules?).`],
    [{ RequireDigest: true }, `invalid option RequireDigest true; expected ${KNOWN} (did you mean requireDigest?).`],
    [{ strict: true }, `invalid option strict true; expected ${KNOWN}.`],
    [{ allowedRegistries: ['https://ghcr.io'] }, 'invalid allowedRegistries[0] "https://ghcr.io"; expected a registry host or host/path such as "ghcr.io", "registry.internal:5000" or "ghcr.io/acme" (lower case, without "https://", a tag, a digest or a wildcard).'],
    [{ allowedRegistries: ['ghcr.io', '*.example.com'] }, 'invalid allowedRegistries[1] "*.example.com"; expected a registry host or host/path'],
    [{ allowedRegistries: ['GHCR.io'] }, 'invalid allowedRegistries[0] "GHCR.io"; expected a registry host or host/path'],
    [{ allowedRegistries: ['ghcr.io/acme:1.0'] }, 'invalid allowedRegistries[0] "ghcr.io/acme:1.0"; expected a registry host or host/path'],
  ])('Guardrails.enforce refuses %j, naming the scope', (options, text) => {
    const app = Testing.app();
    expect(errorOf(() => Guardrails.enforce(app, options as GuardrailsOptions))).toContain(`Guardrails at '': ${text}`);
  });

  it('Guardrails.check refuses a misspelt option too', () => {
    expect(errorOf(() => Guardrails.check([], { requireDigst: true } as GuardrailsOptions))).toBe(`Guardrails.check: invalid option requireDigst true; expected ${KNOWN} (did you mean requireDigest?).`);
  });

  it('accepts every known option, registries with ports and paths, and undefined values', () => {
    const app = Testing.app();
    expect(() => Guardrails.enforce(app, {
      allowedRegistries: ['ghcr.io', 'registry.internal:5000/team', 'localhost:5000', 'ghcr.io/acme/'],
      requireDigest: undefined,
      externalSecrets: ['db'],
    })).not.toThrow();
  });
});

describe('skip ids that mean nothing on the construct', () => {
  const image = 'ghcr.io/acme/web:1.0.0';
  it.each([
    [{ 'ns-quota': 'x' }, 'skip.ns-quota "ns-quota"; expected a rule that a SafeDeployment can switch off (namespace rules are switched off on the namespace): image-pinned,'],
    [{ 'ingress-tls': 'x' }, 'skip.ingress-tls "ingress-tls"; expected a rule that a SafeDeployment can switch off (ingress rules are switched off on the ingress)'],
    [{ 'secret-no-plaintext': 'x' }, 'skip.secret-no-plaintext "secret-no-plaintext"; expected a rule that a SafeDeployment can switch off'],
    [{ 'ns-default-deny': 'x', 'pdb': 'ok' }, 'skip.ns-default-deny "ns-default-deny"; expected a rule that a SafeDeployment can switch off'],
    [{ pdb: 'x'.repeat(300 * 1024) }, 'skip "(307228 bytes of annotations)"; expected at most 262144 bytes (256 KiB) of annotations on one object'],
  ])('SafeDeployment refuses skip %#', (skip, text) => {
    const chart = new (require('cdk8s').Chart)(Testing.app(), 'test');
    expect(errorOf(() => new SafeDeployment(chart, 'web', { image, port: 8080, skip }))).toContain(`SafeDeployment at 'test/web': invalid ${text}`);
  });
});

describe('option errors say which option they are about, so the CLI words them with its flags', () => {
  /** The `at` of the first option error of `options`. */
  const atOf = (options: GuardrailsOptions): OptionAt | undefined => {
    let found: OptionAt | undefined;
    try {
      resolveOptions(options, (_p, _v, _a, at) => { found = at; throw new Error('stop'); });
    } catch { /* the first error is enough */ }
    return found;
  };

  it.each<[GuardrailsOptions, OptionAt]>([
    [{ disabledRules: { 'api-valid': 'x' } }, { option: 'disabledRules', entry: 'api-valid' }],
    [{ disabledRules: { nope: 'x' } }, { option: 'disabledRules', entry: 'nope' }],
    [{ allowedRegistries: ['ghcr.io', 'https://x'] }, { option: 'allowedRegistries', entry: 1 }],
    [{ externalSecrets: ['db', ' '] }, { option: 'externalSecrets', entry: 1 }],
    [{ pinnedTagPattern: '(' }, { option: 'pinnedTagPattern' }],
  ])('%j', (options, at) => {
    expect(atOf(options)).toEqual(at);
  });

  it('the check command names the flag and the value as given', () => {
    const errorLine = (args: string[]) => {
      let err = '';
      const code = main(['check', ...args, '-'], { out: () => undefined, err: (t) => { err += t; }, stdin: () => 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n' });
      return [code, err.split('\n')[0]];
    };
    expect(errorLine(['--disable', 'api-valid=x'])).toEqual([2, 'cdk8s-guardrails: --disable "api-valid=x": expected a rule that can be switched off (the API server refuses an invalid object whatever its annotations say, so api-valid cannot be switched off; fix the object)']);
    expect(errorLine(['--disable', 'environments=one app per cluster'])).toEqual([2, 'cdk8s-guardrails: --disable "environments=one app per cluster": expected a rule that the checker runs; environments is a property of the library, not of objects']);
    expect(errorLine(['--allowed-registry', 'ghcr.io', '--allowed-registry', 'https://x'])[1]).toMatch(/^cdk8s-guardrails: --allowed-registry "https:\/\/x": expected a registry host or host\/path such as/);
    expect(errorLine(['--external-secret', ' '])).toEqual([2, 'cdk8s-guardrails: --external-secret " ": expected a non-empty string']);
    expect(errorLine(['--pinned-tag-pattern', '('])).toEqual([2, 'cdk8s-guardrails: --pinned-tag-pattern "(": expected a non-empty regular expression that a whole image tag must match']);
  });
});
