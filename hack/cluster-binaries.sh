#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager, kube-scheduler, etcd, kwok and
# kwokctl from the Go module proxy at pinned versions, once per machine.
# Prints the directory that holds them. A cold build takes 20–26 min on 2 cores.
#
#   cluster-binaries.sh --skew  builds the older control plane's kube-*
#                               binaries (K8S_SKEW_VERSION, 9–12 min cold) and
#                               prints their directory instead
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/versions.sh"
export CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=local
log() { echo "[cluster-binaries] $(date +%T) $*" >&2; }

# build_kube VERSION MODULE_DIR OUT_DIR SCRATCH builds the three control-plane
# commands of k8s.io/kubernetes as MODULE_DIR's go.mod pins it, stamped with
# VERSION as a release build is (the server's /version says it).
build_kube() {
	local version=$1 mod=$2 out=$3 tmp=$4 minor ldflags pkg b
	minor=${version#v1.}; minor=${minor%%.*}
	ldflags="-s -w"
	for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
		ldflags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
		ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
	done
	for b in kube-apiserver kube-controller-manager kube-scheduler; do
		[[ -x "$out/$b" ]] && continue
		log "building $b $version"
		(cd "$mod" && go build -trimpath -ldflags "$ldflags" -o "$tmp/$b" "k8s.io/kubernetes/cmd/$b")
		mv "$tmp/$b" "$out/$b"
	done
}

if [[ "${1:-}" == --skew ]]; then
	if ! grep -q "k8s.io/kubernetes $K8S_SKEW_VERSION\$" "$here/cluster/k8s-skew/go.mod"; then
		log "hack/cluster/k8s-skew/go.mod does not require k8s.io/kubernetes $K8S_SKEW_VERSION (K8S_SKEW_VERSION in hack/versions.sh): make them agree"
		exit 1
	fi
	mkdir -p "$CLUSTER_SKEW_BIN_DIR"
	tmp=$(mktemp -d "$CLUSTER_SKEW_BIN_DIR/.build.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	build_kube "$K8S_SKEW_VERSION" "$here/cluster/k8s-skew" "$CLUSTER_SKEW_BIN_DIR" "$tmp"
	echo "$CLUSTER_SKEW_BIN_DIR"
	exit 0
fi

bins=(kube-apiserver kube-controller-manager kube-scheduler etcd kwok kwokctl)
have_all() {
	for b in "${bins[@]}"; do [[ -x "$CLUSTER_BIN_DIR/$b" ]] || return 1; done
}
if have_all; then
	echo "$CLUSTER_BIN_DIR"
	exit 0
fi

mkdir -p "$CLUSTER_BIN_DIR"
# Builds go to a scratch dir first so an interrupted build never leaves a
# half-written binary that later runs would trust.
tmp=$(mktemp -d "$CLUSTER_BIN_DIR/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
build_kube "$K8S_VERSION" "$here/cluster/k8s" "$CLUSTER_BIN_DIR" "$tmp"

if [[ ! -x "$CLUSTER_BIN_DIR/etcd" ]]; then
	log "building etcd $ETCD_VERSION"
	(cd "$here/cluster/etcd" && go build -trimpath -ldflags "-s -w" -o "$tmp/etcd" go.etcd.io/etcd/server/v3)
	mv "$tmp/etcd" "$CLUSTER_BIN_DIR/etcd"
fi

for b in kwok kwokctl; do
	[[ -x "$CLUSTER_BIN_DIR/$b" ]] && continue
	log "building $b $KWOK_VERSION"
	GOBIN="$tmp" GOFLAGS= go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/$b@$KWOK_VERSION"
	mv "$tmp/$b" "$CLUSTER_BIN_DIR/$b"
done
log "done"
echo "$CLUSTER_BIN_DIR"
