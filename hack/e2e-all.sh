#!/usr/bin/env bash
# Runs the end-to-end suite on today's control plane (K8S_VERSION) and, side
# by side with it, the skew suite (SKEW_TESTS) on the older one
# (K8S_SKEW_VERSION), each on a cluster of its own.
#
# Side by side because the e2e suite spends most of its time waiting on the
# cluster, not computing: the older control plane builds (on a fresh
# machine) at a low CPU priority in that idle time, and its suite runs
# while the main one still does, so CI pays for neither in series.
#
#   E2E_TIMEOUT   go test -timeout of the main suite (default 45m)
#   SKEW_TESTS    the -run pattern of the skew suite (the Makefile's)
#   SKEW_TIMEOUT  go test -timeout of the skew suite (default 25m)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"
: "${SKEW_TESTS:?SKEW_TESTS names the skew suite (make test sets it)}"
log() { echo "[e2e-all] $(date +%T) $*" >&2; }

"$here/cluster-binaries.sh" >/dev/null

# Both clusters use one warehouse: its pull Secret names its address, so
# there is one per machine. Started here, it outlives whichever suite ends
# first (a cluster stops only the warehouse it started itself).
tmp=$(mktemp -d)
skew_pid=
registry_pid=
cleanup() {
	# Every step runs whatever the one before returned (set -e is off here).
	set +e
	# The skew job leads its own process group (setsid): stopping the group
	# reaches the test binary, which stops its cluster on SIGTERM.
	if [[ -n "$skew_pid" ]]; then
		kill -TERM -- "-$skew_pid" 2>/dev/null
		wait "$skew_pid" 2>/dev/null
	fi
	if [[ -n "$registry_pid" ]]; then
		kill "$registry_pid" 2>/dev/null
		wait "$registry_pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
registry_pid=$("$here/warehouse-up.sh" "$tmp")

# The skew job: its build at nice 10 (it takes only what the main suite leaves
# idle, before make test's cross-compiles at nice 19 do), its tests at normal
# priority; every line marked [skew].
setsid bash -c '
	set -euo pipefail
	start=$SECONDS
	# A session is scheduled as a group of its own (autogroup): its build
	# is niced as a group, and the group back to normal for the tests.
	echo 10 >/proc/self/autogroup 2>/dev/null || true
	nice -n 10 "$1/cluster-binaries.sh" --skew >/dev/null
	echo 0 >/proc/self/autogroup 2>/dev/null || true
	echo "[e2e-all] $(date +%T) skew control plane ready after $((SECONDS - start)) s"
	CLUSTER_CONTROL_PLANE=skew go test ./test/e2e/ -count=1 -v -timeout "$2" -run "$3"
' skew "$here" "${SKEW_TIMEOUT:-25m}" "$SKEW_TESTS" > >(sed -u 's/^/[skew] /' >&2) 2>&1 &
skew_pid=$!

main_rc=0
go test ./test/e2e/ -count=1 -v -timeout "${E2E_TIMEOUT:-45m}" || main_rc=$?
log "main suite: $( ((main_rc == 0)) && echo passed || echo "failed (exit $main_rc)"); waiting for the skew suite"
skew_rc=0
wait "$skew_pid" || skew_rc=$?
skew_pid=
log "skew suite: $( ((skew_rc == 0)) && echo passed || echo "failed (exit $skew_rc)")"
((main_rc == 0 && skew_rc == 0))
