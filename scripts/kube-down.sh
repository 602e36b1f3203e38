#!/usr/bin/env bash
# Stops the control plane kube-up.sh started (exactly the pids it recorded)
# and removes its data directory. `--quiet` says nothing when none runs.
set -euo pipefail
DEFAULT_DIR=/tmp/codeploy-kube
[ -d /dev/shm ] && [ -w /dev/shm ] && DEFAULT_DIR=/dev/shm/codeploy-kube
DIR="${CODEPLOY_KUBE_DIR:-$DEFAULT_DIR}"
quiet=0
[ "${1:-}" = "--quiet" ] && quiet=1
if [ ! -d "$DIR" ]; then
  [ "$quiet" = 1 ] || echo "[kube-down] nothing runs from $DIR" >&2
  exit 0
fi
# The reverse of the start order: the API server's clients first, etcd last.
for name in kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do
  pidfile="$DIR/pids/$name.pid"
  [ -f "$pidfile" ] || continue
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
done
rm -rf "$DIR"
[ "$quiet" = 1 ] || echo "[kube-down] stopped and removed $DIR" >&2
