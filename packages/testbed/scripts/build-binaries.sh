#!/usr/bin/env bash
# Builds the testbed binaries once per machine and prints the directory that holds them.
#   <dir>/testbed-bin            multi-call: etcd, kube-apiserver, kube-controller-manager, kube-scheduler
#   <dir>/etcd, kube-apiserver,  symlinks to testbed-bin
#   kube-controller-manager, kube-scheduler
#   <dir>/kwok                   sigs.k8s.io/kwok/cmd/kwok
# KUBESHIP_TESTBED_BIN=<dir> skips the build and uses prebuilt binaries of those names.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../versions.env
source "$here/versions.env"

if [[ -n "${KUBESHIP_TESTBED_BIN:-}" ]]; then
  for name in etcd kube-apiserver kube-controller-manager kube-scheduler kwok; do
    [[ -x "$KUBESHIP_TESTBED_BIN/$name" ]] || { echo "KUBESHIP_TESTBED_BIN=$KUBESHIP_TESTBED_BIN has no executable '$name'" >&2; exit 1; }
  done
  echo "$KUBESHIP_TESTBED_BIN"
  exit 0
fi

command -v go >/dev/null || { echo "the testbed needs Go (>= 1.25) to build its binaries; install Go or set KUBESHIP_TESTBED_BIN" >&2; exit 1; }
key=$(cat "$here/versions.env" "$here/go/go.mod" "$here/go/go.sum" "$here/go/main.go" | sha256sum | cut -c1-12)
cache=${KUBESHIP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeship}
out="$cache/testbed-bin/$KUBERNETES_VERSION-$key"
if [[ -x "$out/kwok" && -x "$out/testbed-bin" ]]; then
  echo "$out"
  exit 0
fi

mkdir -p "$cache/testbed-bin"
work=$(mktemp -d "$cache/testbed-bin/.build-XXXXXX")
trap 'rm -rf "$work"' EXIT
log() { echo "[testbed-bin] $*" >&2; }
start=$SECONDS

version_pkg=k8s.io/component-base/version
major=${KUBERNETES_VERSION#v}; minor=${major#*.}; major=${major%%.*}; minor=${minor%%.*}
ldflags="-s -w"
for pkg in "$version_pkg" k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done

log "building kube control plane $KUBERNETES_VERSION + etcd $ETCD_VERSION (one multi-call binary) and kwok $KWOK_VERSION; the first build takes several minutes"
(cd "$here/go" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$work/testbed-bin" .) &
control_plane=$!
(GOBIN="$work" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION") &
kwok=$!
wait "$control_plane"
wait "$kwok"
for name in etcd kube-apiserver kube-controller-manager kube-scheduler; do
  ln -s testbed-bin "$work/$name"
done
rm -rf "$out"
mv "$work" "$out"
trap - EXIT
log "built in $((SECONDS - start)) s into $out"
echo "$out"
