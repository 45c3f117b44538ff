import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main, run } from '../../lib/cli/main';
import { planRules } from '../../lib/cli/threads';
import { RULE_CHECKS } from '../../lib/practices/rules';

const root = path.join(__dirname, '..', '..');
const BAD = path.join(root, 'test', 'fixtures', 'bad');

interface Ran { code: number; out: string; err: string }

function io(stdin?: string) {
  const r = { out: '', err: '' };
  return { r, io: { out: (t: string) => { r.out += t; }, err: (t: string) => { r.err += t; }, stdin: () => stdin ?? '' } };
}

function once(args: string[], stdin?: string): Ran {
  const { r, io: cli } = io(stdin);
  return { code: main(args, cli), ...r };
}

async function inThreads(args: string[], stdin?: string): Promise<Ran> {
  const { r, io: cli } = io(stdin);
  return { code: await run(args, cli), ...r };
}

/**
 * An input with something of everything the result carries: violations of most rules (the
 * bad fixtures), a skip with a reason (a suppression), a skip of an unknown rule (a warning),
 * a document that cannot be read (an input error, its objects used for lookups only), and a
 * second folder (an app of its own under --each-dir).
 */
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-threads-'));
  fs.cpSync(BAD, path.join(dir, 'bad'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'other'));
  fs.writeFileSync(path.join(dir, 'other', 'skips.yaml'), [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: api',
    '  namespace: shop',
    '  annotations:',
    '    guardrails.cdk8s.io/skip.replicas-min: "a singleton by design"',
    '    guardrails.cdk8s.io/skip.no-such-rule: "typo"',
    'spec:',
    '  replicas: 1',
    '  selector: {matchLabels: {app: api}}',
    '  template:',
    '    metadata: {labels: {app: api}}',
    '    spec:',
    '      containers:',
    '      - {name: api, image: "nginx:latest"}',
    '---',
    'a: [unclosed',
    '',
  ].join('\n'));
});

describe('check --jobs: the rules split over threads give the one-thread result, byte for byte', () => {
  const cases: Array<[string, string[]]> = [
    ['text', []],
    ['JSON, with a rule switched off', ['--format', 'json', '--disable', 'image-pinned=pinned by the release process']],
    ['SARIF, each folder an app', ['--format', 'sarif', '--each-dir']],
  ];
  it.each(cases)('%s', async (_t, flags) => {
    const one = once(['check', ...flags, dir]);
    expect(one.code).toBe(2); // the unreadable document
    expect(one.out.length).toBeGreaterThan(1000);
    const two = await inThreads(['check', '--jobs', '2', ...flags, dir]);
    expect(two).toEqual(one);
  }, 120_000);

  it('on standard input, with three threads', async () => {
    const text = fs.readFileSync(path.join(BAD, 'helm-web.yaml'), 'utf8');
    const one = once(['check', '--format', 'json', '-'], text);
    expect(one.code).toBe(1);
    const three = await inThreads(['check', '--format', 'json', '--jobs=3', '-'], text);
    expect(three).toEqual(one);
  }, 120_000);
});

describe('check --jobs: values and the plan', () => {
  it.each(['0', 'two', '1.5', '65', ''])('refuses --jobs %j', async (v) => {
    const r = await inThreads(['check', '--jobs', v, dir]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(v === '' ? /--jobs needs a value|expected a whole number of threads from 1 to 64/ : `--jobs ${JSON.stringify(v)}: expected a whole number of threads from 1 to 64`);
  });

  it('runs in this thread with --jobs 1 and when run through main()', async () => {
    const r = await inThreads(['check', '--jobs', '1', '--format', 'json', path.join(BAD, 'rbac.yaml')]);
    expect(r).toEqual(once(['check', '--format', 'json', path.join(BAD, 'rbac.yaml')]));
  });

  it('gives every rule to exactly one thread, and the costliest rules to different threads', () => {
    const all = RULE_CHECKS.map((r) => r.id).sort();
    for (const jobs of [1, 2, 3, 5, 64]) {
      const plan = planRules(jobs);
      expect(plan.length).toBe(Math.min(jobs, all.length));
      expect(plan.flatMap((s) => [...s]).sort()).toEqual(all);
    }
    // The two costliest rules go to different threads.
    const [own, helper] = planRules(2);
    expect(own.has('api-valid')).toBe(true);
    expect(helper.has('network-calls')).toBe(true);
  });
});
