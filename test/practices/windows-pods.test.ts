import { describe, expect, it } from 'vitest';
import { checkManifests } from '../../lib/practices/checker';
import { App, manifests } from './helpers';

/**
 * Windows pods (`os.name: windows`): the API server refuses the Linux-only security fields
 * (seccompProfile, capabilities, allowPrivilegeEscalation, readOnlyRootFilesystem, runAsUser, ...)
 * on them, and Pod Security admission exempts them from the matching "restricted" checks from
 * v1.25 on. Rule pod-security never asks a Windows pod for those fields; ns-pod-security reports
 * what admission refuses at the namespace's enforce-version.
 */
const POD = 'spec.template.spec';
const C = `${POD}.containers[0].securityContext`;
const PSS = 'pod-security.kubernetes.io/';

/** `rule field: message` of pod-security and ns-pod-security on the hand-written app after `mutate`. */
function findings(mutate: (a: App, pod: any) => void): string[] {
  return checkManifests(manifests((a) => mutate(a, a.deployment.spec.template.spec)).map((manifest) => ({ manifest }))).violations
    .filter((v) => v.rule === 'pod-security' || (v.rule === 'ns-pod-security' && v.field !== 'metadata.labels'))
    .map((v) => `${v.rule} ${v.field}: ${v.message}`);
}

/** A Windows pod as the API server accepts it: no Linux-only field, runAsNonRoot kept. */
function windows(a: App, pod: any, version = 'v1.30'): void {
  pod.os = { name: 'windows' };
  pod.securityContext = { runAsNonRoot: true };
  pod.containers[0].securityContext = { runAsNonRoot: true };
  a.namespace.metadata.labels[`${PSS}enforce-version`] = version;
}

describe('pod-security and ns-pod-security on Windows pods', () => {
  it('a Windows pod without the Linux-only fields passes, under restricted from v1.25 on', () => {
    expect(findings((a, pod) => windows(a, pod))).toEqual([]);
    expect(findings((a, pod) => windows(a, pod, 'v1.25'))).toEqual([]);
  });

  it('the same pod without os.name windows (a Windows node selector alone does not count) is asked for every field', () => {
    expect(findings((a, pod) => {
      windows(a, pod);
      delete pod.os;
      pod.nodeSelector = { 'kubernetes.io/os': 'windows' };
    })).toEqual([
      `pod-security ${C}.allowPrivilegeEscalation: container "app" does not set allowPrivilegeEscalation: false`,
      `pod-security ${C}.capabilities.drop: container "app" does not drop ALL capabilities`,
      `pod-security ${C}.readOnlyRootFilesystem: container "app" has a writable root filesystem (readOnlyRootFilesystem is not true)`,
      `pod-security ${C}.seccompProfile: container "app" has no seccompProfile RuntimeDefault (or Localhost), on the container or the pod`,
    ]);
    expect(findings((a, pod) => { windows(a, pod); pod.os = { name: 'linux' }; })).toHaveLength(4);
  });

  it('runAsNonRoot still applies to a Windows pod: admission has no exemption for it', () => {
    expect(findings((a, pod) => {
      windows(a, pod);
      pod.securityContext = {};
      pod.containers[0].securityContext = {};
    })).toEqual([
      `pod-security ${C}.runAsNonRoot: container "app" may run as root: runAsNonRoot is not true on the container or the pod`,
    ]);
  });

  it('before v1.25 admission refuses a Windows pod the Linux-only checks, which ns-pod-security reports with the version fix', () => {
    const refused = (what: string) => `ns-pod-security ${what}: namespace shop enforces Pod Security "restricted" (enforce-version v1.24), so the API server refuses its pods: `;
    expect(findings((a, pod) => windows(a, pod, 'v1.24'))).toEqual([
      `${refused(`${C}.allowPrivilegeEscalation`)}container "app" does not set allowPrivilegeEscalation: false`,
      `${refused(`${C}.capabilities.drop`)}container "app" does not drop ALL capabilities`,
      `${refused(`${C}.seccompProfile`)}container "app" has no seccompProfile RuntimeDefault (or Localhost), on the container or the pod`,
    ]);
    const [v] = checkManifests(manifests((a) => windows(a, a.deployment.spec.template.spec, 'v1.24')).map((manifest) => ({ manifest }))).violations
      .filter((x) => x.rule === 'ns-pod-security' && x.field !== 'metadata.labels');
    expect(v.fix).toMatch(/^a Windows pod cannot pass this check \(the API server refuses the field on it\): pin pod-security\.kubernetes\.io\/enforce-version to v1\.25 or later, which exempts Windows pods from it; or run it/);
    // A Linux pod at v1.24 that sets the fields passes.
    expect(findings((a) => { a.namespace.metadata.labels[`${PSS}enforce-version`] = 'v1.24'; })).toEqual([]);
  });

  it('what a Windows pod is still refused: the baseline checks (HostProcess, hostNetwork)', () => {
    expect(findings((a, pod) => {
      windows(a, pod);
      pod.hostNetwork = true;
      pod.containers[0].securityContext.windowsOptions = { hostProcess: true };
    })).toEqual([
      `pod-security ${C}.windowsOptions.hostProcess: container "app" runs as a Windows HostProcess`,
      `pod-security ${POD}.hostNetwork: shares the node's Network namespace (hostNetwork: true)`,
    ]);
  });
});
