// Command kubectl is kubectl of the testbed's Kubernetes release, built from the k8s.io/kubectl
// module through the Go module proxy, for `./dev bench` (the seed-style kubectl script). The
// version is pinned by go.mod; scripts/build-manifest-tools.sh builds it beside helm and kustomize.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubectl/pkg/cmd"
)

func main() {
	os.Exit(cli.Run(cmd.NewDefaultKubectlCommand()))
}
