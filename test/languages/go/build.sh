#!/usr/bin/env bash
# Generates and builds the Go package of the library with jsii-pacmak, then builds
# examples/first-app-go against it into .verify/go/first-app. Needs `npm run build` first
# (the .jsii assembly) and Go.
#
# The module proxy serves the jsii runtime and constructs, but not the cdk8s Go modules
# (github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2, .../cdk8s-plus-go/cdk8splus27/v2): they are
# generated here from the same npm packages the TypeScript tests use, and the example's
# go.mod replaces them with these. CI runs it only with GUARDRAILS_CI_GO=1.
#
# Safe to run again: the packages under .verify/go are regenerated, Go's caches are reused.
source "$(dirname "$0")/../prelude.sh"

out=.verify/go
rm -rf "$out/packages"
mkdir -p "$out"
npx jsii-pacmak --targets go --outdir "$out/packages" . node_modules/cdk8s node_modules/cdk8s-plus-27
(cd examples/first-app-go && go build -o "$OLDPWD/$out/first-app" .)
echo "built the Go package and examples/first-app-go into $out/first-app"
