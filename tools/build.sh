#!/usr/bin/env bash
# Builds the test-only Go tools that `npm run verify` runs, from the pinned Go modules in
# tools/<tool>/go.mod + go.sum, and links them into .tools/bin/.
#
#   tools/build.sh            every tool, and kube-apiserver for each `apiServer: true` entry
#                             of verify/versions.json
#   tools/build.sh NAME...    only these (kubectl-validate kube-score polaris etcd yaml-check
#                             kube-apiserver-v1.37.2 ..., and helm, which only `npm run bench`
#                             uses and is never built without being named)
#
# Binaries are cached outside the work tree, in $VERIFY_TOOLS_CACHE (default
# ~/.cache/cdk8s-guardrails/tools), keyed by a hash of the Go version, the tool's go.mod,
# go.sum, sources and link flags: a fresh clone on the same machine reuses them, a changed pin
# rebuilds. Go's own module and build caches (~/go/pkg/mod, ~/.cache/go-build) make a rebuild
# after a small change cheap. On a fresh machine everything is fetched from the Go module proxy
# and checked against the go.sum files kept here.
#
# None of these is a dependency of the library: they only check its output.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${VERIFY_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-guardrails/tools}"
bin="$root/.tools/bin"
mkdir -p "$cache" "$bin"
export GOFLAGS="-mod=readonly -buildvcs=false" GOTOOLCHAIN=local CGO_ENABLED=0

# name|module dir|package|link flags (may use {v:MODULE} for MODULE's pinned version)
tools=(
  "kubectl-validate|tools/kubectl-validate|sigs.k8s.io/kubectl-validate|"
  "kube-score|tools/kube-score|github.com/zegl/kube-score/cmd/kube-score|-X main.version={v:github.com/zegl/kube-score}"
  "polaris|tools/polaris|github.com/fairwindsops/polaris|"
  "etcd|tools/etcd|cdk8s-guardrails.local/tools/etcd|"
  "yaml-check|tools/yaml-check|cdk8s-guardrails.local/tools/yaml-check|"
)
# Built only when named (`tools/build.sh helm`): the benchmark's reference, not part of verify.
optional=(
  "helm|tools/helm|helm.sh/helm/v3/cmd/helm|-X helm.sh/helm/v3/internal/version.version={v:helm.sh/helm/v3}"
)
for entry in "${optional[@]}"; do
  [[ " $* " == *" ${entry%%|*} "* ]] && tools+=("$entry")
done
for release in $(node -e '
  const v = require(process.argv[1]);
  console.log(v.kubernetes.filter((k) => k.apiServer).map((k) => k.release).join(" "));
' "$root/verify/versions.json"); do
  [ -f "$root/tools/kube-apiserver/$release/go.mod" ] || "$root/tools/kube-apiserver/new-version.sh" "$release"
  minor="${release#v1.}"; minor="${minor%%.*}"
  vflags=""
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    vflags+=" -X $p.gitVersion=$release -X $p.gitMajor=1 -X $p.gitMinor=$minor"
    vflags+=" -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  tools+=("kube-apiserver-$release|tools/kube-apiserver/$release|k8s.io/kubernetes/cmd/kube-apiserver|$vflags")
done

wanted=" $* "
built=0
for entry in "${tools[@]}"; do
  IFS='|' read -r name dir pkg ldflags <<<"$entry"
  [ $# -eq 0 ] || [[ "$wanted" == *" $name "* ]] || continue
  built=$((built + 1))
  cd "$root/$dir"
  # resolve {v:MODULE} to the version pinned in go.mod
  while [[ "$ldflags" =~ \{v:([^}]*)\} ]]; do
    mod="${BASH_REMATCH[1]}"
    ldflags="${ldflags//\{v:$mod\}/$(go list -m -f '{{.Version}}' "$mod")}"
  done
  key="$( { go version; cat go.mod go.sum; cat ./*.go 2>/dev/null || true; echo "$pkg $ldflags"; } | sha256sum | cut -c1-16)"
  out="$cache/$name-$key/${name%%-v1.*}"
  if [ -x "$out" ]; then
    echo "tools: $name cached ($out)"
  else
    echo "tools: building $name ($pkg) ..."
    start=$SECONDS
    go mod download   # also what polaris reads its check definitions from at run time
    tmp="$(mktemp -d "$cache/.build-XXXXXX")"
    go build -ldflags "$ldflags" -o "$tmp/${name%%-v1.*}" "$pkg"
    mkdir -p "$(dirname "$out")"
    mv "$tmp/${name%%-v1.*}" "$out"
    rmdir "$tmp"
    echo "tools: built $name in $((SECONDS - start))s"
  fi
  # polaris loads its check definitions from its module folder: make sure it is still there
  if [ "$name" = polaris ]; then go mod download github.com/fairwindsops/polaris; fi
  ln -sfn "$out" "$bin/$name"
done
if [ $# -gt 0 ] && [ "$built" -ne $# ]; then
  echo "tools: unknown tool in: $*" >&2
  exit 2
fi
