#!/usr/bin/env bash
# Builds the release files into dist/: kubectl-mannequin for every released
# platform, each in an archive (kubectl-mannequin_<version>_<os>_<arch>.tar.gz,
# .zip for windows) with LICENSE and README.md, plus the completion script
# kubectl_complete-mannequin in the tar.gz archives; checksums.txt; and the
# krew manifest rendered from krew-manifest.yaml as dist/mannequin.yaml.
# .goreleaser.yaml makes the same archives for tagged releases; this script
# needs only Go, tar, gzip, zip and sha256sum.
#
#   VERSION  the version linked in and named in the files (e.g. v0.1.0; required)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
version=${VERSION:?set VERSION, e.g. VERSION=v0.1.0}
module=github.com/kubectl-mannequin/kubectl-mannequin
platforms=(linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64)
out=$root/dist

for tool in tar gzip zip sha256sum; do
	command -v "$tool" >/dev/null || { echo "dist: $tool is needed (apt-get install $tool)" >&2; exit 1; }
done
rm -rf "$out"
mkdir -p "$out"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# Fixed timestamps and owners make an archive's bytes, and so its sha256,
# depend on its content alone.
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || echo 0)}
export CGO_ENABLED=0

cd "$root"
for p in "${platforms[@]}"; do
	os=${p%/*} arch=${p#*/}
	name=kubectl-mannequin_${version}_${os}_${arch}
	exe=kubectl-mannequin
	[[ $os == windows ]] && exe+=.exe
	dir=$stage/$name
	mkdir -p "$dir"
	echo "[dist] $(date +%T) $os/$arch" >&2
	GOOS=$os GOARCH=$arch go build -trimpath -ldflags "-s -w -X $module/pkg/version.Version=$version" \
		-o "$dir/$exe" ./cmd/kubectl-mannequin
	cp LICENSE README.md "$dir/"
	files=("$exe" LICENSE README.md)
	# kubectl runs kubectl_complete-mannequin from PATH to complete the
	# plugin's arguments; krew extracts the whole archive, so the script
	# lands next to the binary. It is a POSIX shell script, which Windows
	# cannot run from PATH: the zip goes without it.
	if [[ $os != windows ]]; then
		install -m 0755 plugins/completion/kubectl_complete-mannequin "$dir/"
		files+=(kubectl_complete-mannequin)
	fi
	touch -d "@$epoch" "$dir"/*
	if [[ $os == windows ]]; then
		(cd "$dir" && zip -qX "$out/$name.zip" "${files[@]}")
	else
		tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
			-C "$dir" -cf - "${files[@]}" | gzip -n >"$out/$name.tar.gz"
	fi
done
(cd "$out" && sha256sum -- *.tar.gz *.zip >checksums.txt)
VERSION=$version DIST=$out "$here/krew-manifest.sh"
echo "[dist] $(date +%T) done: $out" >&2
