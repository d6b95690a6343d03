#!/usr/bin/env bash
# The demo: Deployment clerk-squad (6 mannequins in uniform:summer-2023) is
# switched to uniform:winter-2024 a few seconds after the watch starts, then,
# once that is rolled out, to uniform:crash-no-pockets, whose clerks crash
# and say why (their logs are hack/kwok/logs, served by kwok): press u to
# roll back. The images come from the local cluster's warehouse ($REGISTRY,
# see hack/registry), or registry.example with another cluster.
#
# Uses the local kwok cluster (started here, stopped at the end) unless
# DEMO_KUBECONFIG names another cluster's kubeconfig.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
ns=${DEMO_NAMESPACE:-mannequin-demo}

if [[ -n "${DEMO_KUBECONFIG:-}" ]]; then
	export KUBECONFIG=$DEMO_KUBECONFIG
else
	export CLUSTER_DIR=${CLUSTER_DIR:-$root/.cluster}
	started_here=
	if ! "$here/cluster-down.sh" --check >/dev/null 2>&1; then
		started_here=1
	fi
	eval "$("$here/cluster-up.sh")"
	if [[ -n "$started_here" ]]; then
		trap '"$here/cluster-down.sh"' EXIT
	fi
fi
export PATH="$root/bin:$PATH"
registry=${REGISTRY:-registry.example}
kubectl get namespace "$ns" >/dev/null 2>&1 || kubectl create namespace "$ns" >/dev/null
kubectl -n "$ns" delete deployment clerk-squad --ignore-not-found --wait=true >/dev/null
kubectl -n "$ns" apply -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: Deployment
metadata:
  name: clerk-squad
  labels: {app: clerk-squad}
spec:
  replicas: 6
  selector:
    matchLabels: {app: clerk-squad}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}
  template:
    metadata:
      labels: {app: clerk-squad}
      annotations:
        pod-ready.stage.kwok.x-k8s.io/delay: "2s"
    spec:
      containers:
      - name: uniform
        image: $registry/uniform:summer-2023
      tolerations:
      - key: kwok.x-k8s.io/node
        operator: Exists
        effect: NoSchedule
YAML
kubectl -n "$ns" rollout status deploy/clerk-squad --timeout=120s >/dev/null
# What the broken uniform's clerks say, for kwok to serve (kubectl logs);
# only the local cluster's kwok knows ClusterLogs.
if kubectl get crd clusterlogs.kwok.x-k8s.io >/dev/null 2>&1; then
	kubectl apply -f - >/dev/null <<YAML
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterLogs
metadata:
  name: $ns
spec:
  selector:
    matchNamespaces: [$ns]
  logs:
  - containers: [uniform]
    logsFile: $root/hack/kwok/logs/no-pockets.log
    previousLogsFile: $root/hack/kwok/logs/no-pockets-previous.log
YAML
fi
echo "clerk-squad is ready in uniform:summer-2023; switching to winter-2024 in a few seconds (press q to quit)" >&2

update() {
	kubectl -n "$ns" set image deploy/clerk-squad uniform="$registry/uniform:$1" >/dev/null
	kubectl -n "$ns" annotate deploy/clerk-squad kubernetes.io/change-cause="$2" --overwrite >/dev/null
}
# The third uniform, once the second is on: it has no pockets.
broken() {
	kubectl -n "$ns" rollout status deploy/clerk-squad --timeout=120s >/dev/null
	sleep 3
	update crash-no-pockets "spring collection, no pockets"
}
if [[ -t 1 ]]; then
	(sleep 4 && update winter-2024 "winter collection" && broken) &
	kubectl mannequin watch deploy/clerk-squad -n "$ns" || true
	wait
else
	update winter-2024 "winter collection"
	kubectl mannequin watch deploy/clerk-squad -n "$ns" --until-done --timeout 3m
	broken
	kubectl mannequin watch deploy/clerk-squad -n "$ns" --until-done --fail-after 10s --timeout 3m || true
	kubectl mannequin undo deploy/clerk-squad -n "$ns" --yes
	kubectl mannequin watch deploy/clerk-squad -n "$ns" --until-done --timeout 3m
fi
