#!/usr/bin/env bash
# Builds the Java package of the library with jsii-pacmak and compiles examples/shop-java
# with Maven against it, writing the run-time class path to .verify/java/classpath.txt.
# Needs `npm run build` first (the .jsii assembly), a JDK (17 or later) and Maven.
#
# Maven Central serves cdk8s, constructs and the jsii runtime, but no org.cdk8s:cdk8s-plus-27
# in any version. Until it does, its Java package is built here too, from the same npm
# package the TypeScript tests use (node_modules/cdk8s-plus-27), into the same local Maven
# repository as the library. This takes minutes (javac and javadoc of cdk8s-plus-27), so CI
# runs it only with GUARDRAILS_CI_JAVA=1.
#
# Safe to run again: the repository under .verify/java is rebuilt, Maven's cache is reused.
source "$(dirname "$0")/../prelude.sh"

out=.verify/java
rm -rf "$out/packages"
mkdir -p "$out"
npx jsii-pacmak --targets java --outdir "$out/packages" . node_modules/cdk8s-plus-27
repo="file://$PWD/$out/packages/java"
# Maven never fetches a release version again once its cache has it: drop the cached copies
# of the two packages built here, so the example compiles against this build, not an old one.
m2=$(mvn -B -q help:evaluate -Dexpression=settings.localRepository -DforceStdout 2>/dev/null || echo "$HOME/.m2/repository")
rm -rf "$m2/io/github/cdk8s-guardrails" "$m2/org/cdk8s/cdk8s-plus-27"

mvn -B -q -f examples/shop-java/pom.xml -Dguardrails.repo="$repo" \
  clean compile dependency:build-classpath -Dmdep.outputFile="$PWD/$out/dependencies.txt"
printf '%s:%s\n' "$PWD/examples/shop-java/target/classes" "$(cat "$out/dependencies.txt")" > "$out/classpath.txt"
echo "built the Java package and examples/shop-java; class path in $out/classpath.txt"
