#!/usr/bin/env bash
# Stages what the Containerfile copies, with no registry anywhere:
#   CTX/base.tar  a root filesystem made from this Debian machine's own files:
#                 the node binary and the libraries it links, CA certificates,
#                 /etc/passwd with the user codeploy (10001), /data owned by it.
#                 `podman import` turns it into the base image.
#   CTX/app       dist/, bin/, assets/ and the production node_modules (npm ci --omit=dev
#                 from the npm cache), the files CODE runs from.
# Usage: bash deploy/container/stage.sh CTX   (after `npm run build`)
set -euo pipefail
ctx="${1:?usage: stage.sh CONTEXT_DIR}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
[ -f "$root/dist/bundle/cli.cjs" ] || { echo "dist/bundle/ is missing: run npm run build first" >&2; exit 1; }
node_bin="$(readlink -f "$(command -v node)")"
mkdir -p "$ctx"
rootfs="$(mktemp -d)"
trap 'rm -rf "$rootfs"' EXIT

# --- base root filesystem
mkdir -p "$rootfs"/{usr/local/bin,etc/ssl/certs,tmp,data,app}
chmod 1777 "$rootfs/tmp"
cp "$node_bin" "$rootfs/usr/local/bin/node"
# Every library node links, at the same path (the loader included).
ldd "$node_bin" | awk '/=> \//{print $3} /^\t\/lib/{print $1}' | while read -r lib; do
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
done
cp -L /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/"
printf 'root:x:0:0:root:/root:/sbin/nologin\ncodeploy:x:10001:10001:codeploy:/data:/sbin/nologin\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\ncodeploy:x:10001:\n' >"$rootfs/etc/group"
printf '127.0.0.1 localhost\n::1 localhost\n' >"$rootfs/etc/hosts"
printf 'hosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
tar -C "$rootfs" --numeric-owner --owner=0 --group=0 -cf "$ctx/base.tar" \
  --exclude=./data .
# /data belongs to the user the server runs as, so a fresh volume there is writable.
tar -C "$rootfs" --numeric-owner --owner=10001 --group=10001 -rf "$ctx/base.tar" ./data

# --- the application
rm -rf "$ctx/app" && mkdir -p "$ctx/app"
# assets/: the dashboard's stylesheet and script (codeploy serve reads them at start).
cp -R "$root/dist" "$root/bin" "$root/assets" "$ctx/app/"
cp "$root/package.json" "$root/package-lock.json" "$root/.npmrc" "$ctx/app/"
(cd "$ctx/app" && npm ci --omit=dev --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error)
rm -f "$ctx/app/.npmrc"
cp "$root/deploy/container/Containerfile" "$ctx/Containerfile"
echo "staged $ctx: base.tar $(du -sh "$ctx/base.tar" | cut -f1), app $(du -sh "$ctx/app" | cut -f1) (node $("$node_bin" --version))"
