/**
 * Reading standard input for `-`. Node's `process.stdin` makes a pipe non-blocking as soon as
 * it is touched (even `process.stdin.isTTY`), after which a synchronous read fails with EAGAIN
 * whenever the writer is slower than the reader (`kustomize build | ... check -`): so the
 * terminal test is `tty.isatty`, and a read that would block waits and tries again.
 */
import * as fs from 'fs';
import * as tty from 'tty';

const CHUNK = 1 << 20;
/** How long to wait before reading again a pipe that had nothing yet (milliseconds). */
const RETRY_MS = 5;

/**
 * All bytes of standard input, read to its end.
 * @throws when standard input is a terminal (waiting on one would look like a hang), or cannot be read
 */
export function readStandardInput(): Buffer {
  if (tty.isatty(0)) throw new Error('is a terminal: pipe manifests into it (helm template . | cdk8s-guardrails check -)');
  const chunks: Buffer[] = [];
  const buffer = Buffer.allocUnsafe(CHUNK);
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(0, buffer, 0, CHUNK, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') { sleep(RETRY_MS); continue; }
      if (code === 'EOF') break; // Windows, at the end of a pipe
      throw e;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buffer.subarray(0, n)));
  }
  return Buffer.concat(chunks);
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
