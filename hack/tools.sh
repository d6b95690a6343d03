#!/usr/bin/env bash
# Builds the test tools (krew, krew's manifest validator, staticcheck) from the
# Go module proxy at pinned versions, once per machine, next to the cluster
# binaries in MANNEQUIN_CACHE. Prints the directory that holds them.
#
# krew is installed as kubectl-krew so that, with the directory on PATH,
# `kubectl krew …` runs it as a user's would.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/versions.sh"

dir=$TOOLS_BIN_DIR
declare -A pkgs=(
	[kubectl-krew]=sigs.k8s.io/krew/cmd/krew@$KREW_VERSION
	[validate-krew-manifest]=sigs.k8s.io/krew/cmd/validate-krew-manifest@$KREW_VERSION
	[staticcheck]=honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION
)
mkdir -p "$dir"
# Builds go to a scratch dir first so an interrupted build never leaves a
# half-written binary that later runs would trust.
tmp=$(mktemp -d "$dir/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=
for bin in "${!pkgs[@]}"; do
	[[ -x "$dir/$bin" ]] && continue
	pkg=${pkgs[$bin]}
	echo "[tools] $(date +%T) building $pkg" >&2
	GOBIN="$tmp" go install -trimpath -ldflags "-s -w" "$pkg"
	name=${pkg%@*}
	mv "$tmp/${name##*/}" "$dir/$bin"
done
echo "$dir"
