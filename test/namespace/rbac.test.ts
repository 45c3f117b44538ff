import { ApiObject, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { describe, expect, it } from 'vitest';
import { IsolatedNamespace, IsolatedNamespaceProps } from '../../lib';
import { Guardrails } from '../../lib/practices/guardrails';
import { all, one } from '../helpers';
import { apiServerProblems, grants } from './api-server';

const PREFIX = 'IsolatedNamespace at \'payments\': invalid ';

function synthNs(props: Partial<IsolatedNamespaceProps> = {}) {
  const app = Testing.app();
  const ns = new IsolatedNamespace(app, 'payments', { team: 'payments', ...props });
  return { app, ns, manifests: Testing.synth(ns) };
}

function error(props: Partial<IsolatedNamespaceProps>): string {
  try {
    synthNs(props);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

const READ = 'get,list,watch';
const VIEWER = [
  ...['pods', 'pods/log', 'services', 'endpoints', 'configmaps', 'persistentvolumeclaims', 'serviceaccounts', 'events', 'limitranges', 'resourcequotas', 'replicationcontrollers'].map((r) => `core/${r}: ${READ}`),
  ...['deployments', 'replicasets', 'statefulsets', 'daemonsets'].map((r) => `apps/${r}: ${READ}`),
  `batch/jobs: ${READ}`, `batch/cronjobs: ${READ}`,
  `autoscaling/horizontalpodautoscalers: ${READ}`,
  `policy/poddisruptionbudgets: ${READ}`,
  `networking.k8s.io/ingresses: ${READ}`, `networking.k8s.io/networkpolicies: ${READ}`,
  `discovery.k8s.io/endpointslices: ${READ}`,
  `events.k8s.io/events: ${READ}`,
  'metrics.k8s.io/pods: get,list',
  `monitoring.coreos.com/servicemonitors: ${READ}`, `monitoring.coreos.com/podmonitors: ${READ}`,
  `cert-manager.io/certificates: ${READ}`,
  `external-secrets.io/externalsecrets: ${READ}`,
];
const WRITE = 'create,update,patch,delete';
const EDITOR_EXTRA = [
  'core/pods: delete',
  'core/pods/eviction: create',
  `core/configmaps: ${WRITE}`, `core/services: ${WRITE}`, `core/persistentvolumeclaims: ${WRITE}`,
  'apps/deployments/scale: get,update,patch', 'apps/replicasets/scale: get,update,patch', 'apps/statefulsets/scale: get,update,patch',
  'batch/jobs: delete',
  `autoscaling/horizontalpodautoscalers: ${WRITE}`,
  `policy/poddisruptionbudgets: ${WRITE}`,
];

describe('ns-rbac: roles', () => {
  const { manifests, ns } = synthNs();
  const viewer = one(manifests, 'Role', 'viewer');
  const editor = one(manifests, 'Role', 'editor');

  it('the viewer reads the workloads, their logs and events, and nothing sensitive', () => {
    expect(grants(viewer)).toEqual(VIEWER);
  });

  it('the editor adds operating verbs to everything the viewer reads', () => {
    expect(grants(editor)).toEqual([...VIEWER, ...EDITOR_EXTRA]);
  });

  it('no role grants a wildcard, Secrets, exec, attach, port-forward or pod creation', () => {
    for (const role of [viewer, editor]) {
      for (const rule of role.rules) {
        expect(rule.verbs).not.toContain('*');
        expect(rule.resources).not.toContain('*');
        expect(rule.apiGroups).not.toContain('*');
        expect(rule.resources).not.toContain('secrets');
        expect(rule.resources).not.toContain('pods/exec');
        expect(rule.resources).not.toContain('pods/attach');
        expect(rule.resources).not.toContain('pods/portforward');
        expect(rule.resources).not.toContain('serviceaccounts/token');
        if (rule.resources.includes('pods') || rule.resources.includes('deployments') || rule.resources.includes('jobs')) {
          expect(rule.verbs).not.toContain('create');
        }
        if (rule.resources.includes('networkpolicies') || rule.resources.includes('ingresses')) {
          expect(rule.verbs).toEqual(['get', 'list', 'watch']);
        }
      }
    }
  });

  it('binds nobody without groups', () => {
    expect(all(manifests, 'RoleBinding')).toEqual([]);
    expect(ns.roleBindings).toEqual([]);
  });

  it('the roles can be extended with cdk8s-plus', () => {
    const { ns: n } = synthNs();
    n.viewerRole.allow(['get'], kplus.ApiResource.custom({ apiGroup: 'acme.io', resourceType: 'widgets' }));
    expect(grants(one(Testing.synth(n), 'Role', 'viewer'))).toContain('acme.io/widgets: get');
  });
});

describe('ns-rbac: bindings', () => {
  it('binds viewer and editor groups', () => {
    const { manifests, ns } = synthNs({ viewerGroups: ['payments-readers', 'auditors'], editorGroups: ['oidc:payments-devs'] });
    expect(ns.roleBindings.map((b) => b.name)).toEqual(['viewer', 'editor']);
    const group = (name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name });
    const viewer = one(manifests, 'RoleBinding', 'viewer');
    expect(viewer.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'viewer' });
    expect(viewer.subjects).toEqual([group('payments-readers'), group('auditors')]);
    const editor = one(manifests, 'RoleBinding', 'editor');
    expect(editor.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'editor' });
    expect(editor.subjects).toEqual([group('oidc:payments-devs')]);
    expect(viewer.metadata.namespace).toBe('payments');
    expect(apiServerProblems(manifests)).toEqual([]);
  });

  it('binds only the role that has groups', () => {
    expect(all(synthNs({ editorGroups: ['devs'] }).manifests, 'RoleBinding').map((b) => b.metadata.name)).toEqual(['editor']);
  });

  it.each([
    [{ viewerGroups: ['system:authenticated'] }, 'viewerGroups[0] "system:authenticated"; expected a group of the identity provider, not a "system:" group (system:authenticated is every user of the cluster).'],
    [{ editorGroups: ['devs', ''] }, 'editorGroups[1] ""; expected a group name of the identity provider, without surrounding spaces.'],
    [{ editorGroups: [' devs'] }, 'editorGroups[0] " devs"; expected a group name of the identity provider, without surrounding spaces.'],
    [{ viewerGroups: ['devs'], editorGroups: ['devs'] }, 'editorGroups[0] "devs"; expected each group once (it is also viewerGroups[0]): the editor role includes everything the viewer role grants.'],
    [{ viewerGroups: ['a', 'a'] }, 'viewerGroups[1] "a"; expected each group once (it is also viewerGroups[0]): the editor role includes everything the viewer role grants.'],
  ])('rejects %j', (props, expected) => {
    expect(error(props)).toBe(PREFIX + expected);
  });
});

describe('ns-rbac: sensitive grants only on purpose', () => {
  it.each([
    ['editorsReadSecrets', ['core/secrets: get,list,watch']],
    ['editorsExec', ['core/pods/exec: get,create', 'core/pods/attach: get,create']],
    ['editorsCreatePods', ['core/pods: create,update,patch', ...['deployments', 'replicasets', 'statefulsets', 'daemonsets'].map((r) => `apps/${r}: ${WRITE}`), 'batch/jobs: create,update,patch', 'batch/cronjobs: create,update,patch']],
  ])('%s needs a reason in skip[\'ns-rbac\'], then grants it and records the reason', (prop, expected) => {
    expect(error({ [prop]: true })).toBe(
      `${PREFIX}${prop} true; expected false, or a reason in skip: { 'ns-rbac': '<why this grant is needed>' } (rule ns-rbac: Secrets, exec and pod creation are granted only on purpose).`);
    const reason = 'on-call debugs production incidents';
    const { manifests } = synthNs({ [prop]: true, skip: { 'ns-rbac': reason } });
    const editor = one(manifests, 'Role', 'editor');
    expect(grants(editor)).toEqual([...VIEWER, ...EDITOR_EXTRA, ...expected]);
    expect(grants(one(manifests, 'Role', 'viewer'))).toEqual(VIEWER);
    expect(editor.metadata.annotations).toEqual({ 'guardrails.cdk8s.io/skip.ns-rbac': reason });
    expect(one(manifests, 'Role', 'viewer').metadata.annotations).toBeUndefined();
    expect(one(manifests, 'Namespace').metadata.annotations).toEqual({ 'guardrails.cdk8s.io/skip.ns-rbac': reason });
  });

  it('grants port-forward without a skip', () => {
    const editor = one(synthNs({ editorsPortForward: true }).manifests, 'Role', 'editor');
    expect(grants(editor)).toEqual([...VIEWER, ...EDITOR_EXTRA, 'core/pods/portforward: get,create']);
  });

  it('the checker accepts the sensitive grants with the reason, and flags them without it', () => {
    const app = Testing.app();
    Guardrails.enforce(app);
    const ns = new IsolatedNamespace(app, 'payments', {
      team: 'payments', editorGroups: ['devs'], editorsReadSecrets: true, editorsExec: true, editorsCreatePods: true,
      skip: { 'ns-rbac': 'break-glass role for the on-call team' },
    });
    Testing.synth(ns);
    const report = Guardrails.report(app);
    expect(report.violations).toEqual([]);
    expect(report.suppressions.map((s) => s.rule)).toContain('ns-rbac');

    // Without the annotation the same role is a violation.
    const bare = one(Testing.synth(ns), 'Role', 'editor');
    delete bare.metadata.annotations;
    expect(Guardrails.check([bare]).violations.map((v) => v.rule)).toContain('ns-rbac');
  });
});

describe('the default ServiceAccount', () => {
  it('does not mount its token', () => {
    const { manifests, ns } = synthNs();
    const sa = one(manifests, 'ServiceAccount', 'default');
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(sa.metadata.namespace).toBe('payments');
    expect(ApiObject.of(ns.defaultServiceAccount).name).toBe('default');
  });

  it('mounts it when asked', () => {
    expect(one(synthNs({ automountDefaultServiceAccountToken: true }).manifests, 'ServiceAccount', 'default').automountServiceAccountToken).toBe(true);
  });
});
