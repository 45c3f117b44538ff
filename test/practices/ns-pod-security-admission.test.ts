import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Guardrails, IsolatedNamespace, PodSecurityLevel, Profile, SafeDeployment, SafeDeploymentProps } from '../../lib';
import { checkManifests, formatViolation } from '../../lib/practices/checker';
import { resolveOptions } from '../../lib/practices/options';
import { GuardrailsOptions } from '../../lib/practices/types';
import { App, errorOf, manifests } from './helpers';

/**
 * Rule ns-pod-security, part two: what the namespace's enforced Pod Security level refuses.
 * A workload's skip (or narrow exception) of pod-security waives the catalog's opinion; the
 * API server still refuses the pods, so ns-pod-security says so, and no skip hides it.
 */
const SKIP = 'guardrails.cdk8s.io/skip.pod-security';
const PSS = 'pod-security.kubernetes.io/';
const POD = 'spec.template.spec';
const ENFORCES = (level: string, version = 'v1.30') => `namespace shop enforces Pod Security "${level}" (enforce-version ${version}), so the API server refuses its pods`;
const SKIPPED = '; the Deployment\'s skip of pod-security ("legacy image") waives the catalog\'s rule, not admission';
const LOWER = 'or run it in a namespace that allows it, or lower the enforce level of namespace shop (pod-security.kubernetes.io/enforce; podSecurityEnforce of an IsolatedNamespace, with a reason in its skip of ns-pod-security)';

/** `rule field: message` of the hand-written app after `mutate`, for pod-security and ns-pod-security. */
function findings(mutate: (a: App, pod: any) => void, options?: GuardrailsOptions): string[] {
  const resolved = resolveOptions(options, (p, v, a) => { throw new Error(`${p} ${String(v)} ${a}`); });
  return checkManifests(manifests((a) => mutate(a, a.deployment.spec.template.spec)).map((manifest) => ({ manifest })), resolved).violations
    .filter((v) => v.rule === 'pod-security' || v.rule === 'ns-pod-security').map((v) => `${v.rule} ${v.field}: ${v.message}`);
}
const skipAll = (a: App) => { a.deployment.metadata.annotations = { [SKIP]: 'legacy image' }; };
const enforce = (a: App, level: string, version?: string) => {
  a.namespace.metadata.labels[`${PSS}enforce`] = level;
  if (version !== undefined) a.namespace.metadata.labels[`${PSS}enforce-version`] = version;
};
/** The namespace's own findings (its labels), which these cases do not look at. */
const own = (list: string[]) => list.filter((f) => !f.startsWith('ns-pod-security metadata.labels'));

describe('ns-pod-security: what the enforced level refuses, whatever the workload skips', () => {
  it('under restricted, a skipped runAsUser 0 and a skipped hostPath are flagged, with the fix', () => {
    expect(findings((a, pod) => { skipAll(a); pod.securityContext.runAsUser = 0; })).toEqual([
      `ns-pod-security ${POD}.securityContext.runAsUser: ${ENFORCES('restricted')}: the pod runs as root (runAsUser: 0)${SKIPPED}`,
    ]);
    expect(findings((a, pod) => { skipAll(a); pod.volumes = [{ name: 'logs', hostPath: { path: '/var/log' } }]; })).toEqual([
      `ns-pod-security ${POD}.volumes[0].hostPath: ${ENFORCES('restricted')}: volume "logs" mounts the node's path /var/log (hostPath)${SKIPPED}`,
    ]);
    const [v] = checkManifests(manifests((a) => { skipAll(a); a.deployment.spec.template.spec.securityContext.runAsUser = 0; }).map((manifest) => ({ manifest }))).violations
      .filter((x) => x.rule === 'ns-pod-security');
    expect(v.fix).toBe(`set runAsUser to a non-zero UID, such as 10001; ${LOWER}`);
    expect(formatViolation(v)).toMatch(/^ns-pod-security: Deployment shop\/web: spec\.template\.spec\.securityContext\.runAsUser: namespace shop enforces/);
  });

  it('under baseline, a skipped privileged container and hostNetwork are flagged; what baseline allows is not', () => {
    expect(own(findings((a, pod) => {
      skipAll(a); enforce(a, 'baseline');
      pod.containers[0].securityContext.privileged = true;
      pod.hostNetwork = true;
    }))).toEqual([
      `ns-pod-security ${POD}.containers[0].securityContext.privileged: ${ENFORCES('baseline')}: container "app" is privileged${SKIPPED}`,
      `ns-pod-security ${POD}.hostNetwork: ${ENFORCES('baseline')}: the pod shares the node's network namespace (hostNetwork: true)${SKIPPED}`,
    ]);
    // Running as root and keeping capabilities: baseline allows both.
    expect(own(findings((a, pod) => {
      skipAll(a); enforce(a, 'baseline');
      pod.securityContext.runAsUser = 0; pod.securityContext.runAsNonRoot = false;
      pod.containers[0].securityContext = {};
    }))).toEqual([]);
  });

  it('a narrow exception waives the catalog, not admission: hostNetwork under baseline', () => {
    expect(own(findings((a, pod) => {
      enforce(a, 'baseline');
      a.deployment.metadata.annotations = { [`${SKIP}.hostNetwork`]: 'reads the node\'s interfaces' };
      pod.hostNetwork = true;
    }))).toEqual([
      `ns-pod-security ${POD}.hostNetwork: ${ENFORCES('baseline')}: the pod shares the node's network namespace (hostNetwork: true); its pod-security.hostNetwork exception waives the catalog's rule, not admission`,
    ]);
  });

  it('a waived runAsUser 1000 under restricted passes: restricted allows any non-root id', () => {
    expect(findings((a, pod) => {
      a.deployment.metadata.annotations = { [`${SKIP}.runAsUser`]: '1000: vendor image built for uid 1000' };
      pod.securityContext.runAsUser = 1000;
    })).toEqual([]);
    // And with the whole rule skipped, nothing restricted refuses is left.
    expect(findings((a, pod) => { skipAll(a); pod.securityContext.runAsUser = 1000; pod.containers[0].securityContext.readOnlyRootFilesystem = false; })).toEqual([]);
  });

  it('without a skip, pod-security reports the finding and ns-pod-security does not repeat it', () => {
    expect(findings((_a, pod) => { pod.containers[0].securityContext.privileged = true; })).toEqual([
      `pod-security ${POD}.containers[0].securityContext.privileged: container "app" is privileged`,
    ]);
    // A pod-level runAsNonRoot: false is refused even when every container says true, which the catalog does not judge.
    expect(findings((_a, pod) => { pod.securityContext.runAsNonRoot = false; })).toEqual([
      `ns-pod-security ${POD}.securityContext.runAsNonRoot: ${ENFORCES('restricted')}: the pod sets runAsNonRoot: false`,
    ]);
    expect(findings((_a, pod) => { pod.securityContext.runAsNonRoot = false; delete pod.containers[0].securityContext.runAsNonRoot; })).toEqual([
      `pod-security ${POD}.containers[0].securityContext.runAsNonRoot: container "app" may run as root: runAsNonRoot is not true on the container or the pod`,
    ]);
  });

  it('no skip hides it: not the workload\'s skip of ns-pod-security, not the Namespace\'s; a lower level does', () => {
    const root = (a: App, pod: any) => { skipAll(a); pod.securityContext.runAsUser = 0; };
    const flagged = [`ns-pod-security ${POD}.securityContext.runAsUser: ${ENFORCES('restricted')}: the pod runs as root (runAsUser: 0)${SKIPPED}`];
    expect(findings((a, pod) => {
      root(a, pod);
      a.deployment.metadata.annotations['guardrails.cdk8s.io/skip.ns-pod-security'] = 'we know';
      a.namespace.metadata.annotations = { 'guardrails.cdk8s.io/skip.ns-pod-security': 'a legacy namespace' };
    })).toEqual(flagged);
    expect(own(findings((a, pod) => { root(a, pod); enforce(a, 'privileged'); }))).toEqual([]);
    expect(own(findings((a, pod) => { root(a, pod); delete a.namespace.metadata.labels[`${PSS}enforce`]; }))).toEqual([]);
    // Switched off for the whole app, the rule reports nothing (and the report says what it hides).
    expect(findings(root, { disabledRules: { 'ns-pod-security': 'the cluster exempts this namespace from Pod Security' } })).toEqual([]);
  });

  it('follows the enforce-version: a check is refused from the version that added it', () => {
    const root = (version: string) => (a: App, pod: any) => { skipAll(a); enforce(a, 'restricted', version); pod.securityContext.runAsUser = 0; };
    expect(own(findings(root('v1.22')))).toEqual([]);
    expect(own(findings(root('v1.23')))).toEqual([
      `ns-pod-security ${POD}.securityContext.runAsUser: ${ENFORCES('restricted', 'v1.23')}: the pod runs as root (runAsUser: 0)${SKIPPED}`,
    ]);
    // A sysctl that v1.29 made safe: refused under v1.27, though the catalog (which follows the newest standards) has nothing to say.
    const sysctl = (version: string) => (a: App, pod: any) => { enforce(a, 'baseline', version); pod.securityContext.sysctls = [{ name: 'net.ipv4.tcp_keepalive_time', value: '600' }]; };
    expect(own(findings(sysctl('v1.27')))).toEqual([
      `ns-pod-security ${POD}.securityContext.sysctls[0]: ${ENFORCES('baseline', 'v1.27')}: the pod sets the sysctl net.ipv4.tcp_keepalive_time, which the standards of v1.27 do not count as safe`,
    ]);
    expect(own(findings(sysctl('v1.29')))).toEqual([]);
    // The AppArmor check reads the field at every version, older ones included.
    expect(own(findings((a, pod) => { skipAll(a); enforce(a, 'baseline', 'v1.23'); pod.securityContext.appArmorProfile = { type: 'Unconfined' }; }))).toEqual([
      `ns-pod-security ${POD}.securityContext.appArmorProfile.type: ${ENFORCES('baseline', 'v1.23')}: the pod turns AppArmor off (appArmorProfile Unconfined)${SKIPPED}`,
    ]);
  });

  it('applies no standards newer than the workload\'s target Kubernetes version, as admission applies none newer than its own', () => {
    const probe = (version: string, target: string) => (a: App, pod: any) => {
      a.namespace.metadata.labels[`${PSS}enforce-version`] = version;
      a.deployment.metadata.annotations = { 'guardrails.cdk8s.io/kubernetes-version': target };
      pod.containers[0].readinessProbe = { httpGet: { host: '10.0.0.1', path: '/ready', port: 8080 } };
    };
    expect(own(findings(probe('v1.34', '1.30')))).toEqual([]);
    expect(own(findings(probe('v1.34', '1.35')))).toEqual([
      `ns-pod-security ${POD}.containers[0].readinessProbe.httpGet.host: ${ENFORCES('restricted', 'v1.34')}: container "app" sends its readinessProbe httpGet to host 10.0.0.1`,
    ]);
    expect(own(findings(probe('v1.35', '1.34')))).toEqual([
      `ns-pod-security ${POD}.containers[0].readinessProbe.httpGet.host: namespace shop enforces Pod Security "restricted" (enforce-version v1.35, above the standards of its target Kubernetes 1.34 (guardrails.cdk8s.io/kubernetes-version), which apply), so the API server refuses its pods: container "app" sends its readinessProbe httpGet to host 10.0.0.1`,
    ]);
  });

  it('unpinned, follows the workload\'s target Kubernetes version: admission applies its own standards', () => {
    const probe = (target: string) => (a: App, pod: any) => {
      a.namespace.metadata.labels[`${PSS}enforce-version`] = 'latest';
      a.deployment.metadata.annotations = { 'guardrails.cdk8s.io/kubernetes-version': target };
      pod.containers[0].readinessProbe = { httpGet: { host: '10.0.0.1', path: '/ready', port: 8080 } };
    };
    expect(own(findings(probe('1.33')))).toEqual([]);
    expect(own(findings(probe('1.34')))).toEqual([
      `ns-pod-security ${POD}.containers[0].readinessProbe.httpGet.host: namespace shop enforces Pod Security "restricted" (enforce-version latest: the standards of its target Kubernetes 1.34 (guardrails.cdk8s.io/kubernetes-version)), so the API server refuses its pods: container "app" sends its readinessProbe httpGet to host 10.0.0.1`,
    ]);
  });

  it('reads labels as admission does: no version is the newest standards, a level it cannot read is restricted', () => {
    expect(own(findings((a, pod) => {
      skipAll(a); delete a.namespace.metadata.labels[`${PSS}enforce-version`];
      pod.containers[0].readinessProbe = { httpGet: { host: '10.0.0.1', path: '/ready', port: 8080 } };
      pod.securityContext.runAsUser = 0;
    }))).toEqual([
      `ns-pod-security ${POD}.containers[0].readinessProbe.httpGet.host: namespace shop enforces Pod Security "restricted" (no enforce-version: the newest standards), so the API server refuses its pods: container "app" sends its readinessProbe httpGet to host 10.0.0.1`,
      `ns-pod-security ${POD}.securityContext.runAsUser: namespace shop enforces Pod Security "restricted" (no enforce-version: the newest standards), so the API server refuses its pods: the pod runs as root (runAsUser: 0)${SKIPPED}`,
    ]);
    expect(own(findings((a, pod) => { skipAll(a); enforce(a, 'Restricted'); pod.securityContext.runAsUser = 0; }))).toEqual([
      `ns-pod-security ${POD}.securityContext.runAsUser: namespace shop enforces Pod Security "restricted" (its label says "Restricted", which admission reads as restricted) (enforce-version v1.30), so the API server refuses its pods: the pod runs as root (runAsUser: 0)${SKIPPED}`,
    ]);
  });

  it('under the baseline profile, what restricted refuses is still flagged', () => {
    expect(own(findings((_a, pod) => { delete pod.containers[0].securityContext.capabilities; }, { profile: Profile.BASELINE }))).toEqual([
      `ns-pod-security ${POD}.containers[0].securityContext.capabilities.drop: ${ENFORCES('restricted')}: container "app" does not drop ALL capabilities; the checker's baseline profile does not check it, admission does`,
    ]);
  });
});

describe('ns-pod-security in an app: constructs in an IsolatedNamespace', () => {
  const WEB: SafeDeploymentProps = { image: 'ghcr.io/acme/web:1.4.2', port: 8080, readiness: { path: '/ready' }, liveness: { path: '/live' } };
  function report(level: PodSecurityLevel | undefined, props: Partial<SafeDeploymentProps>, ...patches: JsonPatch[]): string[] {
    const app = Testing.app();
    const ns = new IsolatedNamespace(app, 'shop', {
      team: 'shop',
      ...(level ? { podSecurityEnforce: level, skip: { 'ns-pod-security': 'a legacy app moves in' } } : {}),
    });
    const web = new SafeDeployment(ns, 'web', { ...WEB, ...props });
    ApiObject.of(web.deployment).addJsonPatch(...patches);
    Guardrails.enforce(app);
    return Guardrails.report(app).violations.map((v) => `${v.rule} ${v.kind} ${v.name} ${v.field}: ${v.message}`);
  }

  it('the synth fails with the message', () => {
    const app = Testing.app();
    const ns = new IsolatedNamespace(app, 'shop', { team: 'shop' });
    const web = new SafeDeployment(ns, 'web', { ...WEB, skip: { 'pod-security': 'legacy image' } });
    ApiObject.of(web.deployment).addJsonPatch(JsonPatch.replace('/spec/template/spec/securityContext/runAsUser', 0));
    Guardrails.enforce(app);
    expect(errorOf(() => app.synth())).toContain(`ns-pod-security: Deployment shop/web at shop/web/Deployment/Resource: ${POD}.securityContext.runAsUser: ${ENFORCES('restricted', 'v1.27')}: the pod runs as root (runAsUser: 0)${SKIPPED}. Fix: set runAsUser to a non-zero UID, such as 10001; ${LOWER}`);
  });

  it('a waived runAsUser 1000 in a restricted namespace synthesizes', () => {
    expect(report(undefined, { runAsUser: 1000, skip: { 'pod-security.runAsUser': 'vendor image built for uid 1000' } })).toEqual([]);
  });

  it('runAsUser 0 behind a skip of pod-security is refused by the restricted namespace', () => {
    expect(report(undefined, { skip: { 'pod-security': 'legacy image' } }, JsonPatch.replace('/spec/template/spec/securityContext/runAsUser', 0))).toEqual([
      `ns-pod-security Deployment web ${POD}.securityContext.runAsUser: ${ENFORCES('restricted', 'v1.27')}: the pod runs as root (runAsUser: 0)${SKIPPED}`,
    ]);
  });

  it('hostNetwork behind a skip of pod-security is refused by a baseline namespace, whose own skip does not hide it', () => {
    expect(report(PodSecurityLevel.BASELINE, { skip: { 'pod-security': 'legacy image' } }, JsonPatch.add('/spec/template/spec/hostNetwork', true))).toEqual([
      `ns-pod-security Deployment web ${POD}.hostNetwork: ${ENFORCES('baseline', 'v1.27')}: the pod shares the node's network namespace (hostNetwork: true)${SKIPPED}`,
    ]);
    expect(report(PodSecurityLevel.PRIVILEGED, { skip: { 'pod-security': 'legacy image' } }, JsonPatch.add('/spec/template/spec/hostNetwork', true))).toEqual([]);
  });
});
