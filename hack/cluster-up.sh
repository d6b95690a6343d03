#!/usr/bin/env bash
# Starts a local control plane (kube-apiserver, etcd, kube-controller-manager,
# kube-scheduler) with kwok simulating nodes and pods, all as local processes.
#
#   CLUSTER_DIR  where state, logs and the kubeconfig go (default: .cluster)
#   CLUSTER_NODES  number of fake linux/amd64 nodes (default: 3)
#   CLUSTER_ARM64_NODES  number of fake linux/arm64 nodes beside them
#                  (default: 1), tainted kubernetes.io/arch=arm64:NoSchedule
#                  as GKE taints its Arm nodes, so that only pods that ask
#                  for arm64 run there
#   KWOK_EXTRA_CONFIG  optional extra kwokctl config file (e.g. component args)
#   CLUSTER_CONTROL_PLANE  "skew" runs the older control plane
#                  (K8S_SKEW_VERSION in hack/versions.sh) with the same etcd,
#                  kwok and stages; default: K8S_VERSION
#   REGISTRY_ADDR  where the warehouse listens (default: 127.0.0.1:5117, the
#                  address its pull Secret hack/registry/warehouse-key.yaml opens)
#
# Also starts the warehouse: an OCI registry on loopback (hack/registry),
# stocked with the project's own images, and the puller (hack/puller), which
# pulls them for the kwok nodes. Prints the export lines for the
# kubeconfig and the registry on stdout.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
source "$here/versions.sh"

bin=$("$here/cluster-binaries.sh")
# The kube-* binaries; etcd and kwok are always $bin's.
kube=$bin
case ${CLUSTER_CONTROL_PLANE:-} in
"") ;;
skew)
	kube=$("$here/cluster-binaries.sh" --skew)
	# kwokctl writes each component's flags for this version.
	export KWOK_KUBE_VERSION=$K8S_SKEW_VERSION
	;;
*)
	echo "[cluster-up] CLUSTER_CONTROL_PLANE=$CLUSTER_CONTROL_PLANE: want skew or nothing" >&2
	exit 1
	;;
esac
dir=${CLUSTER_DIR:-$root/.cluster}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
nodes=${CLUSTER_NODES:-3}
arm64_nodes=${CLUSTER_ARM64_NODES:-1}
name=mannequin
export KWOK_WORKDIR="$dir/kwok"
kubeconfig="$dir/kubeconfig"
registry_addr=${REGISTRY_ADDR:-127.0.0.1:5117}
log() { echo "[cluster-up] $(date +%T) $*" >&2; }

if [[ -f "$dir/pids" ]] && "$here/cluster-down.sh" --check >/dev/null 2>&1; then
	log "cluster already running in $dir"
	echo "export KUBECONFIG=$kubeconfig"
	echo "export REGISTRY=$registry_addr"
	exit 0
fi

start=$(date +%s%N)
configs=(-c "$root/hack/kwok/stages.yaml" -c "$root/hack/kwok/kwokctl.yaml")
[[ -n "${KWOK_EXTRA_CONFIG:-}" ]] && configs+=(-c "$KWOK_EXTRA_CONFIG")
# kwokctl picks its components' ports by looking for free ones before they
# bind them: two clusters created at once (the skew suite's beside the main
# suite's, make test's beside a developer's) picked the same ones, and one
# failed to start. One creation at a time per machine, until its API server
# listens; the lock is released below.
exec 9>"${TMPDIR:-/tmp}/kubectl-mannequin-cluster-up.lock"
if ! flock -w 600 9; then
	log "another cluster has been starting for 10 minutes (lock ${TMPDIR:-/tmp}/kubectl-mannequin-cluster-up.lock)"
	exit 1
fi
log "creating cluster in $dir"
if ! "$bin/kwokctl" create cluster --name "$name" --runtime binary \
	--kube-apiserver-binary "$kube/kube-apiserver" \
	--kube-controller-manager-binary "$kube/kube-controller-manager" \
	--kube-scheduler-binary "$kube/kube-scheduler" \
	--etcd-binary "$bin/etcd" \
	--kwok-controller-binary "$bin/kwok" \
	--kubeconfig "$kubeconfig" \
	--disable-qps-limits \
	"${configs[@]}" >"$dir/kwokctl-create.log" 2>&1; then
	cat "$dir/kwokctl-create.log" >&2
	exit 1
fi
# Record the component PIDs now: they detach, so only these files can stop them.
for f in "$KWOK_WORKDIR/clusters/$name/pids/"*.pid; do
	echo "$(<"$f")"
done >"$dir/pids"

export KUBECONFIG=$kubeconfig
wait_for() { # timeout-seconds description command...
	local deadline=$((SECONDS + $1)) what=$2
	shift 2
	until "$@" >/dev/null 2>&1; do
		if ((SECONDS > deadline)); then
			log "timed out waiting for $what"
			return 1
		fi
		sleep 0.2
	done
}
wait_for 60 "apiserver /readyz" kubectl get --raw /readyz
# Its ports are bound: the next cluster may look for free ones. (The
# components inherited fd 9; unlocking frees the lock for all of them.)
flock -u 9
exec 9>&-
wait_for 60 "the default ServiceAccount" kubectl get serviceaccount default -n default

node() { # name arch [extra taint lines]
	cat <<NODE
apiVersion: v1
kind: Node
metadata:
  name: $1
  annotations:
    kwok.x-k8s.io/node: fake
  labels:
    kubernetes.io/hostname: $1
    kubernetes.io/os: linux
    kubernetes.io/arch: $2
    type: kwok
spec:
  taints:
  - key: kwok.x-k8s.io/node
    value: fake
    effect: NoSchedule
${3:-}
---
NODE
}
{
	for i in $(seq 0 $((nodes - 1))); do
		node "kwok-node-$i" amd64
	done
	for i in $(seq 0 $((arm64_nodes - 1))); do
		node "kwok-arm64-node-$i" arm64 "  - key: kubernetes.io/arch
    value: arm64
    effect: NoSchedule"
	done
} | kubectl apply -f - >/dev/null
all_nodes=$((nodes + arm64_nodes))
wait_for 60 "$all_nodes Ready nodes" bash -c "[[ \$(kubectl get nodes --no-headers 2>/dev/null | grep -c ' Ready ') -ge $all_nodes ]]"
# The warehouse, or the one already on this machine.
(cd "$root" && go build -o "$dir/" ./hack/puller)
"$here/warehouse-up.sh" "$dir" "$registry_addr" >>"$dir/pids"
# The puller pulls the warehouse's images for the kwok nodes, which have
# no container runtime (see hack/kwok/stages.yaml).
nohup "$dir/puller" -kubeconfig "$kubeconfig" -registry "$registry_addr" >"$dir/puller.log" 2>&1 &
echo $! >>"$dir/pids"
wait_for 60 "the puller" grep -q "puller watching" "$dir/puller.log" ||
	{ cat "$dir/puller.log" >&2; exit 1; }
ms=$((($(date +%s%N) - start) / 1000000))
log "ready in $((ms / 1000)).$(printf '%03d' $((ms % 1000)))s ($nodes amd64 and $arm64_nodes arm64 nodes, registry at $registry_addr)"
echo "export KUBECONFIG=$kubeconfig"
echo "export REGISTRY=$registry_addr"
