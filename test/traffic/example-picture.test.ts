import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { traffic } from '../../lib/cli/traffic';

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');

/**
 * Synthesizes an example (its main.ts) into a fresh folder, renders its traffic picture, and
 * checks that the committed files in examples/<name>/traffic are the same. Returns the table.
 */
async function renderAndCompare(name: string, load: () => Promise<unknown>, subfolder = ''): Promise<string> {
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  process.env.CDK8S_OUTDIR = dist;
  try {
    await load();
  } finally {
    delete process.env.CDK8S_OUTDIR;
  }
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-traffic-`));
  let err = '';
  const code = await traffic(['--out', out, path.join(dist, subfolder)], { out: () => undefined, err: (t) => { err += t; } });
  expect(err).toBe('');
  expect(code).toBe(0);
  for (const file of ['traffic.dot', 'traffic.svg', 'traffic.txt']) {
    const committed = path.join(EXAMPLES, name, 'traffic', file);
    const fresh = fs.readFileSync(path.join(out, file), 'utf8');
    expect(fs.existsSync(committed) ? fs.readFileSync(committed, 'utf8') : '', `${committed} is stale: run npm run traffic:pictures`).toBe(fresh);
  }
  return fs.readFileSync(path.join(out, 'traffic.txt'), 'utf8');
}

describe('the traffic picture of the shop example', () => {
  it('is generated from the synthesized example and matches the committed files (npm run traffic:pictures)', async () => {
    const table = await renderAndCompare('shop', () => import('../../examples/shop/main'), 'prod');
    expect(table).toBe([
      'FROM                    TO                   PORTS',
      'Deployment shop/api     cluster DNS          TCP 53, UDP 53',
      'Deployment shop/api     outside world        10.20.0.0/24 on TCP 5432',
      'Deployment shop/worker  Deployment shop/api  TCP 8080',
      'Deployment shop/worker  cluster DNS          TCP 53, UDP 53',
      'Deployment shop/worker  outside world        10.20.0.0/24 on TCP 5432',
      'ingress controller      Deployment shop/api  TCP 8080',
      'metrics scraper         Deployment shop/api  TCP 9090',
      '',
      'No call is blocked: every address of the app\'s own Services in env and config is reachable.',
      '',
    ].join('\n'));
  }, 120_000);
});

describe('the traffic picture of the boutique example', () => {
  /** Every call the services make (upstream's env vars), written here independently of the example. */
  const CALLS: Array<[string, string, number]> = [
    ['frontend', 'productcatalogservice', 3550], ['frontend', 'currencyservice', 7000], ['frontend', 'cartservice', 7070],
    ['frontend', 'recommendationservice', 8080], ['frontend', 'shippingservice', 50051], ['frontend', 'checkoutservice', 5050],
    ['frontend', 'adservice', 9555],
    ['checkoutservice', 'productcatalogservice', 3550], ['checkoutservice', 'shippingservice', 50051], ['checkoutservice', 'paymentservice', 50051],
    ['checkoutservice', 'emailservice', 8080], ['checkoutservice', 'currencyservice', 7000], ['checkoutservice', 'cartservice', 7070],
    ['recommendationservice', 'productcatalogservice', 3550],
    ['cartservice', 'redis-cart', 6379],
    ['loadgenerator', 'frontend', 8080],
    ['cart-snapshot', 'redis-cart', 6379],
  ];
  const WORKLOADS = ['adservice', 'cart-snapshot', 'cartservice', 'checkoutservice', 'currencyservice', 'emailservice', 'frontend', 'loadgenerator',
    'paymentservice', 'productcatalogservice', 'recommendationservice', 'redis-cart', 'shippingservice'];
  const KINDS: { [name: string]: string } = { 'redis-cart': 'StatefulSet', 'cart-snapshot': 'CronJob' };
  const node = (name: string) => `${KINDS[name] ?? 'Deployment'} boutique/${name}`;

  it('allows every call the services make and nothing else (besides DNS and the ingress controller to the frontend)', async () => {
    const table = await renderAndCompare('boutique', () => import('../../examples/boutique/main'));
    const [edges, verdict] = table.split('\n\n');
    const rows = edges.split('\n').slice(1).map((line) => line.split(/\s{2,}/));
    const dns = rows.filter(([, to]) => to === 'cluster DNS');
    expect(dns.map(([from, , ports]) => `${from}: ${ports}`)).toEqual(WORKLOADS.map((w) => `${node(w)}: TCP 53, UDP 53`).sort());
    const others = rows.filter(([, to]) => to !== 'cluster DNS').map(([from, to, ports]) => `${from} -> ${to}: ${ports}`).sort();
    const expected = [
      ...CALLS.map(([from, to, port]) => `${node(from)} -> ${node(to)}: TCP ${port}`),
      `ingress controller -> ${node('frontend')}: TCP 8080`,
    ].sort();
    expect(others).toEqual(expected);
    expect(verdict).toBe('No call is blocked: every address of the app\'s own Services in env and config is reachable.\n');
  }, 120_000);
});
