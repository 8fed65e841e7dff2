#!/usr/bin/env bash
# Builds Helm and Kustomize once per machine (Go modules through the module proxy, cached by
# version) and prints the directory that holds them:
#   <dir>/helm        helm.sh/helm/v4/cmd/helm at HELM_VERSION
#   <dir>/kustomize   sigs.k8s.io/kustomize/kustomize/v5 at KUSTOMIZE_VERSION
# KUBESHIP_MANIFEST_TOOLS_BIN=<dir> skips the build and uses prebuilt binaries of those names.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../versions.env
source "$here/versions.env"
names=(helm kustomize)

if [[ -n "${KUBESHIP_MANIFEST_TOOLS_BIN:-}" ]]; then
  for name in "${names[@]}"; do
    [[ -x "$KUBESHIP_MANIFEST_TOOLS_BIN/$name" ]] || { echo "KUBESHIP_MANIFEST_TOOLS_BIN=$KUBESHIP_MANIFEST_TOOLS_BIN has no executable '$name'" >&2; exit 1; }
  done
  echo "$KUBESHIP_MANIFEST_TOOLS_BIN"
  exit 0
fi

command -v go >/dev/null || { echo "Helm and Kustomize are built with Go (>= 1.26); install Go or set KUBESHIP_MANIFEST_TOOLS_BIN" >&2; exit 1; }
cache=${KUBESHIP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeship}
out="$cache/manifest-tools/helm-$HELM_VERSION-kustomize-$KUSTOMIZE_VERSION"
if [[ -x "$out/helm" && -x "$out/kustomize" ]]; then
  echo "$out"
  exit 0
fi

mkdir -p "$cache/manifest-tools"
work=$(mktemp -d "$cache/manifest-tools/.build-XXXXXX")
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
log() { echo "[manifest-tools] $*" >&2; }
start=$SECONDS
log "building helm $HELM_VERSION and kustomize $KUSTOMIZE_VERSION with go install; the first build takes a few minutes"
helm_version_pkg=helm.sh/helm/v4/internal/version
(GOBIN="$work" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w -X $helm_version_pkg.version=$HELM_VERSION" "helm.sh/helm/v4/cmd/helm@$HELM_VERSION") &
helm=$!
(GOBIN="$work" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION") &
kustomize=$!
wait "$helm"
wait "$kustomize"
rm -rf "$out"
mv "$work" "$out"
trap - EXIT
log "built in $((SECONDS - start)) s into $out"
echo "$out"
