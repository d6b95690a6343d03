#!/usr/bin/env bash
# Stops the local cluster started by cluster-up.sh and waits until every
# recorded component process has exited. With --check, only reports (exit 0)
# whether any of them is still alive.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
source "$here/versions.sh"
dir=${CLUSTER_DIR:-$root/.cluster}
pids_file="$dir/pids"
[[ -f "$pids_file" ]] || { [[ "${1:-}" == --check ]] && exit 1; exit 0; }

# A zombie has exited: only its parent (often PID 1 here) can reap it.
running() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[[ ${stat%% *} != Z ]]
}
alive() {
	local pid any=1
	for pid in $(cat "$pids_file"); do
		running "$pid" && { echo "$pid"; any=0; }
	done
	return $any
}
if [[ "${1:-}" == --check ]]; then
	alive
	exit
fi

if [[ -x "$CLUSTER_BIN_DIR/kwokctl" ]]; then
	KWOK_WORKDIR="$dir/kwok" "$CLUSTER_BIN_DIR/kwokctl" delete cluster --name mannequin >/dev/null 2>&1 || true
fi
# kwokctl may leave a component behind (or not exist any more): end exactly
# the recorded PIDs, politely first.
for sig in TERM KILL; do
	for _ in $(seq 50); do
		alive >/dev/null || break
		sleep 0.1
	done
	left=$(alive || true)
	[[ -z "$left" ]] && break
	kill -s "$sig" $left 2>/dev/null || true
done
for _ in $(seq 50); do alive >/dev/null || break; sleep 0.1; done
if left=$(alive); then
	echo "cluster-down: processes still alive: $left" >&2
	exit 1
fi
rm -f "$pids_file"
echo "[cluster-down] stopped" >&2
