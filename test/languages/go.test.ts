import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { readTree, tmpdir } from '../helpers';
import { root, run, typescriptFirstApp } from './helpers';

// The Go package and examples/first-app-go, built by test/languages/go/build.sh (with the
// cdk8s Go modules generated from npm, because the module proxy does not serve them). CI runs
// it only with GUARDRAILS_CI_GO=1; without the build this test is skipped.
const binary = path.join(root, '.verify', 'go', 'first-app');
const available = fs.existsSync(binary);
if (!available && process.env.GUARDRAILS_REQUIRE_GO) {
  throw new Error(`${binary} is missing: run test/languages/go/build.sh first`);
}

describe.skipIf(!available)('the Go package', () => {
  it('runs the first app in Go, which writes what the same app writes in TypeScript', () => {
    const dir = tmpdir('first-app-go-');
    run(binary, [], {}, dir);
    expect(readTree(path.join(dir, 'dist'))).toEqual(typescriptFirstApp());
  });
});
