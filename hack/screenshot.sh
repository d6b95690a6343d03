#!/usr/bin/env bash
# Takes the README's picture: the watch view in the middle of clerk-squad's
# rolling update (hack/demo.sh: summer-2023 to winter-2024), drawn by the
# real program in a tmux pane on a local cluster of its own, turned into HTML
# with its colours (aha) and photographed by headless Chromium.
#
# Needs tmux, aha and chromium (apt-get install tmux aha chromium).
#   OUT  the PNG to write (default: docs/watch.png)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
out=${OUT:-$root/docs/watch.png}
cols=100 rows=30

for tool in tmux aha chromium; do
	command -v "$tool" >/dev/null || { echo "screenshot: $tool is needed (apt-get install $tool)" >&2; exit 1; }
done
work=$(mktemp -d)
session=mannequin-screenshot-$$
# A cluster of our own, never the one in .cluster that `make cluster-up` keeps.
export CLUSTER_DIR=$work/cluster
cleanup() {
	tmux kill-session -t "$session" 2>/dev/null || true
	"$here/cluster-down.sh" || true
	rm -rf "$work"
}
trap cleanup EXIT
log() { echo "[screenshot] $(date +%T) $*" >&2; }

make -C "$root" --no-print-directory build >/dev/null
eval "$("$here/cluster-up.sh")"
log "starting the demo in a ${cols}x$rows tmux pane"
tmux new-session -d -s "$session" -x "$cols" -y "$rows" \
	"env TERM=xterm-256color LANG=C.UTF-8 NO_COLOR= DEMO_KUBECONFIG='$KUBECONFIG' DEMO_NAMESPACE=shop '$here/demo.sh'; sleep 600"

# Half the squad in winter uniforms: both revisions on screen, side by side.
mid='3 out of 6 new replicas have been updated'
for _ in $(seq 1200); do
	tmux capture-pane -p -t "$session" | grep -q "$mid" && break
	sleep 0.1
done
tmux capture-pane -p -t "$session" | grep -q "$mid" || { log "the rollout never reached: $mid"; tmux capture-pane -p -t "$session" >&2; exit 1; }
# Keep the rows down to the last one with something on it.
used=$(tmux capture-pane -p -t "$session" | awk 'NF { n = NR } END { print n }')
tmux capture-pane -p -e -t "$session" | head -n "$used" >"$work/screen.ansi"
tmux send-keys -t "$session" q

{
	cat <<'HTML'
<!doctype html>
<meta charset="utf-8">
<style>
  body { margin: 0; background: #15171c; }
  pre { margin: 0; padding: 14px 18px; color: #d7dae0; font: 15px/1.3 "DejaVu Sans Mono", monospace; }
</style>
<pre>
HTML
	aha --no-header <"$work/screen.ansi"
	echo '</pre>'
} >"$work/screen.html"

mkdir -p "$(dirname "$out")"
# DejaVu Sans Mono at 15px: 9.04px a column, 19.5px a row, plus the padding.
width=$((cols * 904 / 100 + 36)) height=$((used * 195 / 10 + 28))
chromium --headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run \
	--user-data-dir="$work/chromium" --hide-scrollbars --force-device-scale-factor=1 \
	--window-size="$width,$height" --screenshot="$out" "file://$work/screen.html" >/dev/null 2>&1
log "wrote $out ($(($(stat -c %s "$out") / 1024)) KB)"
