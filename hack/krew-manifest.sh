#!/usr/bin/env bash
# Renders the krew manifest template krew-manifest.yaml into
# $DIST/mannequin.yaml: @VERSION@ becomes VERSION and each
# @SHA256_<os>_<arch>@ the sha256 that $DIST/checksums.txt gives the archive
# kubectl-mannequin_<version>_<os>_<arch>.(tar.gz|zip). hack/dist.sh runs it;
# after a goreleaser release, run it on goreleaser's dist/ the same way.
#
#   VERSION  the released version, e.g. v0.1.0 (required)
#   DIST     the directory with the archives and checksums.txt (default: dist)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
version=${VERSION:?set VERSION, e.g. VERSION=v0.1.0}
dist=${DIST:-$root/dist}

# The template's header comment speaks of the placeholders: drop it.
render=(-e '/^#/d' -e "s|@VERSION@|$version|g")
while read -r sum file; do
	if [[ $file =~ ^kubectl-mannequin_"$version"_([a-z0-9]+)_([a-z0-9]+)\.(tar\.gz|zip)$ ]]; then
		render+=(-e "s|@SHA256_${BASH_REMATCH[1]}_${BASH_REMATCH[2]}@|$sum|g")
	fi
done <"$dist/checksums.txt"

sed "${render[@]}" "$root/krew-manifest.yaml" >"$dist/mannequin.yaml"
if left=$(grep -o '@[A-Za-z0-9_]*@' "$dist/mannequin.yaml"); then
	echo "krew-manifest: no archive of $version in $dist/checksums.txt for:" $left >&2
	exit 1
fi
