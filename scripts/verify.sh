#!/usr/bin/env bash
# npm run verify: proves the synthesized examples against the ecosystem's own tools.
#   1. npm run synth                      every example -> dist/
#   2. tools/build.sh                     pinned Go tools (cached; built from scratch if missing)
#   3. verify/static.js                   kubectl-validate (every version in verify/versions.json),
#                                         kube-score, polaris; exemptions in verify/peer-checkers.yaml
#   4. verify/yaml-writer.js              the YAML writer against Go's YAML 1.1 reader (sigs.k8s.io/yaml):
#                                         a corpus of tricky strings, and every document in dist/
#   5. the library's own checker          when bin/cdk8s-guardrails.js exists
#   6. verify/apiserver.test.js           etcd + kube-apiserver: dry-run, each folder as kubectl apply -f
#                                         reads it, Pod Security, apply
#   7. verify/api-valid.test.js           the checker's api-valid flags exactly the cases a kube-apiserver refuses
#   8. verify/pod-security.test.js        the checker's ns-pod-security flags exactly the pods Pod Security admission refuses
# Every stage runs even when an earlier one fails; the exit status is non-zero if any failed.
#
#   VERIFY_SKIP_SYNTH=1      check dist/ as it is
#   VERIFY_DIST=folder       check that folder instead of dist/ (implies VERIFY_SKIP_SYNTH)
#   VERIFY_SKIP_APISERVER=1  stop after the static checks (no kube-apiserver build or start)
set -uo pipefail
cd "$(dirname "$0")/.."
failed=()
stage() { printf '\n=== verify: %s\n' "$1"; }
started=$SECONDS

if [ -z "${VERIFY_SKIP_SYNTH:-}" ] && [ -z "${VERIFY_DIST:-}" ]; then
  stage "synth"
  npm run --silent synth || { echo "verify: synth failed; nothing to check" >&2; exit 1; }
fi

stage "tools"
if [ -n "${VERIFY_SKIP_APISERVER:-}" ]; then
  tools/build.sh kubectl-validate kube-score polaris yaml-check || failed+=(tools)
else
  tools/build.sh || failed+=(tools)
fi

stage "kubectl-validate, kube-score, polaris"
node verify/static.js || failed+=(static)

stage "YAML writer vs sigs.k8s.io/yaml"
node verify/yaml-writer.js ${VERIFY_DIST:+"$VERIFY_DIST"} || failed+=(yaml-writer)

# --- the library's own checker (lib/practices) ---
if [ -f bin/cdk8s-guardrails.js ]; then
  stage "cdk8s-guardrails check"
  # Each folder under dist/ that holds a synth report is one app or environment, checked on its
  # own with no flag, as a user would run it. The examples get their Secrets from
  # ExternalSecrets, so nothing needs declaring here.
  node bin/cdk8s-guardrails.js check "${VERIFY_DIST:-dist}" || failed+=(guardrails-check)
else
  stage "cdk8s-guardrails check: skipped (bin/cdk8s-guardrails.js does not exist yet)"
fi
# ---

if [ -z "${VERIFY_SKIP_APISERVER:-}" ]; then
  stage "kube-apiserver"
  node --test --test-reporter=spec verify/apiserver.test.js || failed+=(apiserver)
  stage "api-valid vs kube-apiserver"
  node --test --test-reporter=spec verify/api-valid.test.js || failed+=(api-valid)
  stage "ns-pod-security vs Pod Security admission"
  node --test --test-reporter=spec verify/pod-security.test.js || failed+=(pod-security)
fi

printf '\n=== verify: %ss' "$((SECONDS - started))"
if [ ${#failed[@]} -gt 0 ]; then
  printf ', FAILED: %s\n' "${failed[*]}"
  exit 1
fi
printf ', all passed\n'
