import { describe, expect, it } from 'vitest';
import { selectorMatches, selectsValue } from '../../lib/practices/selector';
import { goodApp, check, manifests } from './helpers';

/**
 * Values of the wrong type or size are reported once, as what they are: a resource amount too
 * large for Kubernetes is out of range (not "a fraction of a byte"), and a selector value that
 * YAML read as a boolean or a number (`canary: no`) is a type error of `api-valid`, with no
 * second finding that the selector selects nothing.
 */

type App = ReturnType<typeof goodApp>;
const container = (a: App) => a.deployment.spec.template.spec.containers[0] as any;
const RESOURCES = 'spec.template.spec.containers[0].resources';

/** `rule kind field: message` of every finding, after one change to the good app. */
function findings(mutate: (a: App) => void): string[] {
  return check(manifests(mutate)).violations.map((v) => `${v.rule} ${v.kind} ${v.field}: ${v.message}`);
}

describe('a resource amount too large for Kubernetes', () => {
  const overflow = 'Kubernetes reads a resource amount into a 64-bit whole number of its smallest unit, at most 9223372036854775807';

  it('is out of range, for memory, cpu and an extended resource, with what is accepted and an example', () => {
    expect(findings((a) => { container(a).resources.requests.memory = '1e400'; container(a).resources.limits.memory = '1e400'; })).toEqual([
      `api-valid Deployment ${RESOURCES}.limits.memory: "1e400" is out of range: ${overflow} bytes (about 8Ei), and this one overflows it; expected an amount such as "128Mi" or "1Gi"`,
      `api-valid Deployment ${RESOURCES}.requests.memory: "1e400" is out of range: ${overflow} bytes (about 8Ei), and this one overflows it; expected an amount such as "128Mi" or "1Gi"`,
    ]);
    expect(findings((a) => { container(a).resources.requests.cpu = '1e16'; })).toEqual([
      `api-valid Deployment ${RESOURCES}.requests.cpu: "1e16" is out of range: ${overflow} millicores (about 9.2e15 cores), and this one overflows it; expected an amount such as "500m" or "2"`,
    ]);
    expect(findings((a) => { container(a).resources.limits['example.com/gpu'] = '1e20'; })).toEqual([
      `api-valid Deployment ${RESOURCES}.limits.example.com/gpu: "1e20" is out of range: ${overflow} units of example.com/gpu, and this one overflows it; expected an amount such as "1"`,
    ]);
  });

  it('passes up to the limit; a fraction of a byte is still called one', () => {
    expect(findings((a) => { container(a).resources.requests.memory = '1e18'; container(a).resources.limits.memory = '7Ei'; })).toEqual([]);
    expect(findings((a) => { container(a).resources.requests.cpu = '9e15'; })).toEqual([]);
    expect(findings((a) => { container(a).resources.limits.memory = '1280m'; })).toEqual([
      `api-valid Deployment ${RESOURCES}.limits.memory: "1280m" is a fraction of a byte ("m" means thousandths): the API server warns "fractional byte value is invalid, must be an integer" and the value is rounded up; expected a whole number of bytes such as "128Mi" or "1G"`,
    ]);
  });
});

describe('a selector value that YAML read as a boolean or a number', () => {
  const hint = (b: boolean) => `expected a string (YAML 1.1 reads an unquoted ${b ? 'y, yes, on or true' : 'n, no, off or false'} as ${b}: quote it)`;
  /** `canary: no` (false) in every selector of the app, and `canary: "no"` on the pods. */
  const unquoted = (a: App) => {
    const d = a.deployment as any;
    d.spec.selector.matchLabels.canary = false;
    d.spec.template.metadata.labels.canary = 'no';
    (a.service.spec.selector as any).canary = false;
    (a.pdb.spec.selector.matchLabels as any).canary = false;
    (a.pdb.spec.selector as any).matchExpressions = [{ key: 'canary', operator: 'In', values: [false, true] }];
    (a.networkPolicy.spec.podSelector.matchLabels as any).canary = false;
  };

  it('is reported as a type error, once per value, and nothing says the selector selects nothing', () => {
    expect(findings(unquoted)).toEqual([
      'api-valid Deployment spec.selector.matchLabels.canary: false is refused by the API server; expected a string: a label value of at most 63 characters: letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit',
      `api-valid Service spec.selector.canary: false is refused by the API server; ${hint(false)}`,
      `api-valid PodDisruptionBudget spec.selector.matchExpressions[0].values[0]: false is refused by the API server; ${hint(false)}`,
      `api-valid PodDisruptionBudget spec.selector.matchExpressions[0].values[1]: true is refused by the API server; ${hint(true)}`,
      `api-valid PodDisruptionBudget spec.selector.matchLabels.canary: false is refused by the API server; ${hint(false)}`,
      `api-valid NetworkPolicy spec.podSelector.matchLabels.canary: false is refused by the API server; ${hint(false)}`,
    ]);
  });

  it('passes when quoted; a string that differs still does not select', () => {
    expect(findings((a) => {
      unquoted(a);
      const d = a.deployment as any;
      d.spec.selector.matchLabels.canary = 'no';
      (a.service.spec.selector as any).canary = 'no';
      (a.pdb.spec.selector.matchLabels as any).canary = 'no';
      (a.pdb.spec.selector as any).matchExpressions = [{ key: 'canary', operator: 'In', values: ['no', 'yes'] }];
      (a.networkPolicy.spec.podSelector.matchLabels as any).canary = 'no';
    })).toEqual([]);
    const wrong = findings((a) => {
      (a.deployment as any).spec.selector.matchLabels.canary = 'yes';
      (a.deployment as any).spec.template.metadata.labels.canary = 'no';
    });
    expect(wrong).toContainEqual(expect.stringMatching(/^api-valid Deployment spec\.selector: spec\.selector \{.*canary=yes\} does not select its own pod template/));
  });

  it('is matched as the text it was written as: false selects no, off and false; 1.1 selects 1.1 and 1.10', () => {
    for (const label of ['no', 'No', 'off', 'false', 'n']) expect(selectsValue(false, label)).toBe(true);
    expect(selectsValue(false, 'yes')).toBe(false);
    expect(selectsValue(true, 'on')).toBe(true);
    expect(selectsValue(1.1, '1.10')).toBe(true);
    expect(selectsValue(1.1, '1.2')).toBe(false);
    expect(selectsValue(7, '')).toBe(false);
    expect(selectsValue('no', 'false')).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'canary', operator: 'NotIn', values: [false as any] }] }, { canary: 'no' })).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'canary', operator: 'NotIn', values: [false as any] }] }, { canary: 'yes' })).toBe(true);
  });
});
