#!/usr/bin/env bash
# Starts the warehouse (hack/registry: an OCI registry on loopback, stocked
# with the project's images) in DIR, unless one already answers at ADDR:
# its pull Secret names its address, so there is one per machine, and a
# cluster started beside another uses the one already there.
#
#   warehouse-up.sh DIR [ADDR]   ADDR defaults to 127.0.0.1:5117
#
# Prints the PID of the warehouse it started, or nothing when it used the
# one already there; whoever started it stops it.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=$1
addr=${2:-127.0.0.1:5117}
log() { echo "[warehouse] $(date +%T) $*" >&2; }

if curl -fsS -o /dev/null -D - "http://$addr/v2/" 2>/dev/null | grep -qi '^x-mannequin-registry:'; then
	log "registry already at $addr: using it"
	exit 0
fi
(cd "$here/.." && go build -o "$dir/" ./hack/registry)
nohup "$dir/registry" -addr "$addr" >"$dir/registry.log" 2>&1 &
pid=$!
for _ in $(seq 300); do
	if grep -q stocked "$dir/registry.log"; then
		echo "$pid"
		exit 0
	fi
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.2
done
log "the registry at $addr was not stocked in 60 s"
cat "$dir/registry.log" >&2
kill "$pid" 2>/dev/null || true
exit 1
