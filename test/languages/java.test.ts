import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { readTree, tmpdir } from '../helpers';
import { readmeSample, root, run, typescriptFirstApp, typescriptShop } from './helpers';

// The Java package and examples/shop-java, built by test/languages/java/build.sh (with
// cdk8s-plus-27 built from npm, because Maven Central does not serve it). CI runs it only
// with GUARDRAILS_CI_JAVA=1; without the build these tests are skipped.
const classpathFile = path.join(root, '.verify', 'java', 'classpath.txt');
const available = fs.existsSync(classpathFile);
if (!available && process.env.GUARDRAILS_REQUIRE_JAVA) {
  throw new Error(`${classpathFile} is missing: run test/languages/java/build.sh first`);
}

describe.skipIf(!available)('the Java package', () => {
  const classpath = available ? fs.readFileSync(classpathFile, 'utf8').trim() : '';

  it('synthesizes the Java shop example byte for byte as the TypeScript one (manifests and report)', () => {
    const out = tmpdir('shop-java-');
    run('java', ['-cp', classpath, 'shop.Main'], { CDK8S_OUTDIR: out });
    expect(readTree(out)).toEqual(typescriptShop());
  });

  it("compiles and runs the README's first Java app, which writes what the same app writes in TypeScript", () => {
    const dir = tmpdir('readme-java-');
    fs.writeFileSync(path.join(dir, 'Main.java'), readmeSample('java'));
    execFileSync('javac', ['-cp', classpath, '-d', dir, path.join(dir, 'Main.java')], { stdio: 'pipe' });
    run('java', ['-cp', `${dir}${path.delimiter}${classpath}`, 'Main'], {}, dir);
    expect(readTree(path.join(dir, 'dist'))).toEqual(typescriptFirstApp());
  });
});
