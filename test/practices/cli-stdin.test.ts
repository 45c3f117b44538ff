import { spawnSync } from 'child_process';
import * as path from 'path';
import { describe, expect, it } from 'vitest';

const root = path.join(__dirname, '..', '..');

/**
 * Reads standard input in a fresh process whose stdin is a pipe that gets its bytes only after
 * `delay` seconds, as from a slow `kustomize build` or `helm template`. `touch` first reads
 * `process.stdin.isTTY`, which makes Node switch the pipe to non-blocking mode.
 */
function readSlowPipe(delay: number, touch: boolean): { status: number | null; out: string; err: string } {
  const script = [
    `require(${JSON.stringify(require.resolve('ts-node'))}).register({ transpileOnly: true, project: ${JSON.stringify(path.join(root, 'tsconfig.dev.json'))} });`,
    touch ? 'void process.stdin.isTTY;' : '',
    `const bytes = require(${JSON.stringify(path.join(root, 'lib', 'cli', 'stdin.ts'))}).readStandardInput();`,
    'process.stdout.write(bytes.toString("utf8"));',
  ].join('\n');
  const r = spawnSync('sh', ['-c', `(sleep ${delay}; printf 'kind: ConfigMap\\n'; sleep ${delay}; printf 'apiVersion: v1\\n') | "${process.execPath}" -e '${script.replace(/'/g, `'\\''`)}'`], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

describe('standard input (check -, traffic -)', () => {
  it.each([true, false])('reads a pipe whose writer is slower than the reader to its end (stdin touched first: %s)', (touch) => {
    const r = readSlowPipe(1, touch);
    expect(r.err).toBe('');
    expect(r.out).toBe('kind: ConfigMap\napiVersion: v1\n');
    expect(r.status).toBe(0);
  }, 30_000);
});
