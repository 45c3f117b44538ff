import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { traffic } from '../../lib/cli/traffic';

const PICTURE_DIR = path.join(__dirname, '..', '..', 'examples', 'shop', 'traffic');

describe('the traffic picture of the shop example', () => {
  it('is generated from the synthesized example and matches the committed files (npm run traffic:pictures)', async () => {
    const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-'));
    process.env.CDK8S_OUTDIR = dist;
    try {
      await import('../../examples/shop/main');
    } finally {
      delete process.env.CDK8S_OUTDIR;
    }
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-traffic-'));
    let err = '';
    const code = await traffic(['--out', out, path.join(dist, 'prod')], { out: () => undefined, err: (t) => { err += t; } });
    expect(err).toBe('');
    expect(code).toBe(0);
    const table = fs.readFileSync(path.join(out, 'traffic.txt'), 'utf8');
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
    for (const file of ['traffic.dot', 'traffic.svg', 'traffic.txt']) {
      const committed = path.join(PICTURE_DIR, file);
      const fresh = fs.readFileSync(path.join(out, file), 'utf8');
      expect(fs.existsSync(committed) ? fs.readFileSync(committed, 'utf8') : '', `${committed} is stale: run npm run traffic:pictures`).toBe(fresh);
    }
  }, 120_000);
});
