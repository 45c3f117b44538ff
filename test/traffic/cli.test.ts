import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { traffic } from '../../lib/cli/traffic';
import { FIXTURE_APP, fixtureManifests } from './fixtures';

const root = path.join(__dirname, '..', '..');
const FIXTURE_DIR = path.dirname(FIXTURE_APP);

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await traffic(args, { out: (t) => { out += t; }, err: (t) => { err += t; } });
  return { code, out, err };
}

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'traffic-'));
}

describe('cdk8s-guardrails traffic', () => {
  it('prints the table and the blocked calls, and exits 1 when a call is blocked', async () => {
    const { code, out, err } = await run([FIXTURE_DIR]);
    expect(err).toBe('');
    expect(code).toBe(1);
    expect(out).toContain('Deployment shop/frontend  Deployment shop/cart      TCP 7070\n');
    expect(out).toContain('\nBlocked calls (1):\n'
      + '  Deployment shop/frontend calls Deployment shop/catalog at "http://catalog.shop.svc:3550" (env CATALOG_URL of container "web"; Service shop/catalog port 3550), but the ingress of catalog (NetworkPolicy catalog, default-deny) refuses TCP 3550\n'
      + '    fix: add an ingress rule to catalog\'s NetworkPolicy: from {podSelector {app: frontend}} on TCP 3550 (declared once on frontend: calls: [{ workload: catalog }])\n');
  });

  it('lists a load balancer whose pods refuse the outside traffic, and exits 1; admitted, it exits 0', async () => {
    const dir = tmp();
    const text = fs.readFileSync(FIXTURE_APP, 'utf8').replace('http://catalog.shop.svc:3550/products', 'https://catalog.example.com/');
    const lb = (extra: string) => ['---', 'apiVersion: v1', 'kind: Service', 'metadata: {name: cart-lb, namespace: shop}',
      'spec: {type: LoadBalancer, selector: {app: cart}, ports: [{port: 7070}]}', extra].join('\n') + '\n';
    fs.writeFileSync(path.join(dir, 'app.yaml'), text + lb(''));
    const dropped = await run([dir]);
    expect(dropped.code).toBe(1);
    expect(dropped.out).toMatch(/\nNo call is blocked: [^\n]*\n\nOutside traffic dropped \(1\):\n  Service shop\/cart-lb \(LoadBalancer\) sends port 7070 to Deployment shop\/cart on TCP 7070, but the ingress of cart \(NetworkPolicy [^)]*\) refuses traffic from 0\.0\.0\.0\/0 \(any address\)\n    fix: add an ingress rule to cart's NetworkPolicy: from \{ipBlock \{cidr: 0\.0\.0\.0\/0\}\} on TCP 7070 \(ExternalService opens it with the Service\)\n$/);
    const admit = ['---', 'apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata: {name: cart-lb, namespace: shop}',
      'spec: {podSelector: {matchLabels: {app: cart}}, policyTypes: [Ingress], ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0}}], ports: [{port: 7070}]}]}'].join('\n');
    fs.writeFileSync(path.join(dir, 'app.yaml'), text + lb(admit));
    const admitted = await run([dir]);
    expect(admitted.code).toBe(0);
    expect(admitted.out).not.toContain('Outside traffic dropped');
  });

  it('exits 0 when every call gets through', async () => {
    const dir = tmp();
    const text = fs.readFileSync(FIXTURE_APP, 'utf8').replace('http://catalog.shop.svc:3550/products', 'https://catalog.example.com/');
    fs.writeFileSync(path.join(dir, 'app.yaml'), text);
    const { code, out } = await run([dir]);
    expect(code).toBe(0);
    expect(out).toContain('\nNo call is blocked: every address of the app\'s own Services in env and config is reachable.\n');
  });

  it('reads kubectl List objects', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'app.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: fixtureManifests() }));
    const { code, out } = await run([dir]);
    expect(code).toBe(1);
    expect(out).toContain('Deployment shop/frontend  Deployment shop/cart      TCP 7070\n');
  });

  it('--out writes DOT, a self-contained SVG and the table, the same bytes on every run', async () => {
    const a = tmp();
    const b = tmp();
    expect((await run(['--out', a, FIXTURE_DIR])).code).toBe(1);
    expect((await run([`--out=${b}`, FIXTURE_DIR])).code).toBe(1);
    expect(fs.readdirSync(a).sort()).toEqual(['traffic.dot', 'traffic.svg', 'traffic.txt']);
    for (const f of fs.readdirSync(a)) expect(fs.readFileSync(path.join(a, f), 'utf8')).toBe(fs.readFileSync(path.join(b, f), 'utf8'));
    const svg = fs.readFileSync(path.join(a, 'traffic.svg'), 'utf8');
    expect(svg.startsWith('<?xml')).toBe(true);
    expect(svg).toMatch(/<svg [^>]*viewBox=/);
    expect(svg).not.toMatch(/<script|<image|xlink:href="http|@import/);
    // Every node and edge label is in the picture.
    for (const text of ['frontend', 'cart', 'redis', 'cluster DNS', 'outside world', 'ingress controller', 'metrics scraper', 'TCP 7070', 'TCP 6379']) {
      expect(svg).toContain(`>${text}</text>`);
    }
    expect(fs.readFileSync(path.join(a, 'traffic.dot'), 'utf8')).toMatch(/^digraph traffic \{\n/);
    expect(fs.readFileSync(path.join(a, 'traffic.txt'), 'utf8')).toMatch(/^FROM +TO +PORTS\n[^]*Blocked calls \(1\):/);
  });

  it('--format dot prints DOT, with the blocked calls on standard error', async () => {
    const { code, out, err } = await run(['--format', 'dot', FIXTURE_APP]);
    expect(code).toBe(1);
    expect(out).toMatch(/^digraph traffic \{\n[^]*\n\}\n$/);
    expect(err).toMatch(/^Blocked calls \(1\):\n/);
  });

  it('the ingress controller: nginx when asked for, in another namespace when told', async () => {
    const nginx = await run(['--ingress-controller', 'nginx', FIXTURE_APP]);
    expect(nginx.out).not.toContain('ingress controller');
    const moved = await run(['--ingress-controller-namespace', 'edge', '--scraper-namespace', 'observability', FIXTURE_APP]);
    expect(moved.out).not.toContain('ingress controller');
    expect(moved.out).not.toContain('metrics scraper');
  });

  it('usage errors exit 2 with the usage', async () => {
    for (const args of [[], ['--format', 'png', FIXTURE_APP], ['--ingress-controller', 'haproxy', FIXTURE_APP], ['--bogus', FIXTURE_APP], [path.join(FIXTURE_DIR, 'missing')]]) {
      const { code, err } = await run(args);
      expect(code).toBe(2);
      expect(err).toMatch(/^cdk8s-guardrails traffic: .+\n\nUsage: cdk8s-guardrails traffic /);
    }
    expect((await run(['--help'])).code).toBe(0);
  });

  it('runs from the command line', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'bin', 'cdk8s-guardrails.js'), 'traffic', FIXTURE_DIR], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('ingress controller        Deployment shop/frontend  TCP 8080\n');
  }, 60_000);
});
