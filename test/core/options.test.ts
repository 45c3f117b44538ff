import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Guardrails, GuardrailsOptions, SafeDeployment } from '../../lib';
import { errorOf } from '../helpers';

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
