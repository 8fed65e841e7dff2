#!/usr/bin/env bash
# Builds Helm, Kustomize and kubectl once per machine (Go modules through the module proxy,
# cached by version) and prints the directory that holds them:
#   <dir>/helm        helm.sh/helm/v4/cmd/helm at HELM_VERSION
#   <dir>/kustomize   sigs.k8s.io/kustomize/kustomize/v5 at KUSTOMIZE_VERSION
#   <dir>/kubectl     k8s.io/kubectl of the testbed's Kubernetes release (../kubectl, for ./dev bench)
# KUBESHIP_MANIFEST_TOOLS_BIN=<dir> skips the build and uses prebuilt binaries of those names.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../versions.env
source "$here/versions.env"
names=(helm kustomize kubectl)

if [[ -n "${KUBESHIP_MANIFEST_TOOLS_BIN:-}" ]]; then
  for name in "${names[@]}"; do
    [[ -x "$KUBESHIP_MANIFEST_TOOLS_BIN/$name" ]] || { echo "KUBESHIP_MANIFEST_TOOLS_BIN=$KUBESHIP_MANIFEST_TOOLS_BIN has no executable '$name'" >&2; exit 1; }
  done
  echo "$KUBESHIP_MANIFEST_TOOLS_BIN"
  exit 0
fi

command -v go >/dev/null || { echo "Helm, Kustomize and kubectl are built with Go (>= 1.26); install Go or set KUBESHIP_MANIFEST_TOOLS_BIN" >&2; exit 1; }
key=$(cat "$here/kubectl/go.mod" "$here/kubectl/go.sum" "$here/kubectl/main.go" | sha256sum | cut -c1-12)
cache=${KUBESHIP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeship}
out="$cache/manifest-tools/helm-$HELM_VERSION-kustomize-$KUSTOMIZE_VERSION-kubectl-$KUBERNETES_VERSION-$key"
missing=()
for name in "${names[@]}"; do [[ -x "$out/$name" ]] || missing+=("$name"); done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "$out"
  exit 0
fi

mkdir -p "$out"
work=$(mktemp -d "$cache/manifest-tools/.build-XXXXXX")
trap 'rm -rf "$work"' EXIT
log() { echo "[manifest-tools] $*" >&2; }
start=$SECONDS
log "building ${missing[*]} with Go; the first build takes a few minutes"
pids=()
for name in "${missing[@]}"; do
  case $name in
    helm) GOBIN="$work" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=$HELM_VERSION" "helm.sh/helm/v4/cmd/helm@$HELM_VERSION" & ;;
    kustomize) GOBIN="$work" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION" & ;;
    kubectl)
      version_ldflags=""
      for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
        version_ldflags+=" -X $pkg.gitVersion=$KUBERNETES_VERSION"
      done
      (cd "$here/kubectl" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w$version_ldflags" -o "$work/kubectl" .) & ;;
  esac
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
# each binary lands whole: a build that stopped halfway leaves nothing under $out
for name in "${missing[@]}"; do mv "$work/$name" "$out/$name"; done
log "built ${missing[*]} in $((SECONDS - start)) s into $out"
echo "$out"
