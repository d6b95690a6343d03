//go:build tools

// Package k8s only pins the older control plane's commands that
// hack/cluster-binaries.sh builds for the skew suite (K8S_SKEW_VERSION).
package k8s

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
)
