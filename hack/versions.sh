# Pinned versions of the local test cluster; sourced by the other hack/ scripts.
K8S_VERSION=v1.37.2
# The older control plane of the skew suite (make e2e-skew): the oldest minor
# that the major managed offerings still support, in extended support. Its
# code is decided by hack/cluster/k8s-skew/go.mod, which must name the same.
K8S_SKEW_VERSION=v1.32.2
ETCD_VERSION=v3.6.16
KWOK_VERSION=v0.8.0
KREW_VERSION=v0.4.3
STATICCHECK_VERSION=v0.8.2

# Built binaries live outside the checkout so that fresh clones (CI) reuse them.
MANNEQUIN_CACHE=${MANNEQUIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubectl-mannequin}
CLUSTER_BIN_DIR=${CLUSTER_BIN_DIR:-$MANNEQUIN_CACHE/k8s-$K8S_VERSION-etcd-$ETCD_VERSION-kwok-$KWOK_VERSION}
# Only its own kube-* binaries: etcd and kwok are the ones above.
CLUSTER_SKEW_BIN_DIR=${CLUSTER_SKEW_BIN_DIR:-$MANNEQUIN_CACHE/k8s-$K8S_SKEW_VERSION}
TOOLS_BIN_DIR=${TOOLS_BIN_DIR:-$MANNEQUIN_CACHE/tools-krew-$KREW_VERSION-staticcheck-$STATICCHECK_VERSION}
