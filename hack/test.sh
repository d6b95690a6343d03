#!/usr/bin/env bash
# What `make test` runs: the checks first (vet, unit tests, fuzz: a fault in
# them shows within minutes), then the end-to-end suites (hack/e2e-all.sh)
# and, beside them, the release archives and the krew install test
# (make krew-test), every line of which is marked [krew].
#
# Beside, because the e2e suites spend most of their time waiting on the
# cluster: the six cross-compiles of make dist (some 18 minutes of CPU on a
# fresh machine of two cores) run at the lowest priority in that idle time
# instead of adding to it. Each job's result is said, and make test fails
# if either failed.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here/.."
log() { echo "[test] $(date +%T) $*" >&2; }

make vet unit fuzz

krew_pid=
cleanup() {
	set +e
	# The job leads its own process group (setsid): stopping the group
	# stops make and the compiler under it.
	if [[ -n "$krew_pid" ]]; then
		kill -TERM -- "-$krew_pid" 2>/dev/null
		wait "$krew_pid" 2>/dev/null
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# setsid makes the job a session, which Linux schedules as a group of its
# own (autogroup) beside this one whatever the nice of its processes: the
# group itself is niced too, or the cross-compiles take half the CPU from
# the control plane's build and the suites.
setsid bash -c 'echo 19 >/proc/self/autogroup 2>/dev/null || true; exec nice -n 19 make krew-test' \
	> >(sed -u 's/^/[krew] /' >&2) 2>&1 &
krew_pid=$!

e2e_rc=0
make e2e-all || e2e_rc=$?
log "end-to-end suites: $( ((e2e_rc == 0)) && echo passed || echo "failed (exit $e2e_rc)"); waiting for make krew-test"
krew_rc=0
wait "$krew_pid" || krew_rc=$?
krew_pid=
log "krew-test: $( ((krew_rc == 0)) && echo passed || echo "failed (exit $krew_rc)")"
((e2e_rc == 0 && krew_rc == 0))
