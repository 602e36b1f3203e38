#!/usr/bin/env bash
# Builds (or reuses) the binaries of the local control plane from the Go module
# proxy: kube-apiserver, kube-controller-manager and kube-scheduler of one
# Kubernetes release, etcd 3.5, kwok, and (on request) helm. Nothing is
# downloaded as a prebuilt binary. (Debian's etcd-server, 3.4.23, lacks the
# progress notifications that watch-list clients such as kwok need: every
# watch fell back and pods were seen tens of seconds late.)
#
# k8s.io/kubernetes cannot be `go install`ed: its go.mod replaces every k8s.io
# staging module with a local directory. A throwaway module requires it and
# pins each staging module to the matching v0.X.Y release instead.
#
# Usage: scripts/kube-build.sh [--helm] [--no-build]   prints the cache directory last.
set -euo pipefail

KUBE_VERSION="${CODEPLOY_KUBE_VERSION:-1.32.13}"
# A staging module the module proxy does not serve at the release's own
# version (k8s.io/endpointslice v0.32.13 answers 403 "not available"): the
# previous patch release of that one module, whose code is the same.
STAGING_OVERRIDES="${CODEPLOY_KUBE_STAGING_OVERRIDES:-endpointslice=v0.32.12}"
KWOK_VERSION="${CODEPLOY_KWOK_VERSION:-v0.7.0}"
ETCD_VERSION="${CODEPLOY_ETCD_VERSION:-v3.5.21}"
HELM_VERSION="${CODEPLOY_HELM_VERSION:-v3.19.0}"
CACHE="${CODEPLOY_KUBE_CACHE:-$HOME/.cache/codeploy-kube}/$KUBE_VERSION"
export PATH="/usr/local/go/bin:$PATH"
# Builds are CPU-heavy and the machine is shared: be polite.
NICE=(nice -n 10)
export GOFLAGS="${GOFLAGS:--trimpath} -buildvcs=false"

want_helm=0
no_build=0
for arg in "$@"; do
  case "$arg" in
    --helm) want_helm=1 ;;
    # Only check the cache: a test must not start a 20-minute build.
    --no-build) no_build=1 ;;
    *) echo "usage: kube-build.sh [--helm] [--no-build]" >&2; exit 2 ;;
  esac
done

mkdir -p "$CACHE/bin"
now() { date +%s; }
log() { printf '[kube-build] %s\n' "$*" >&2; }

build_kubernetes() {
  local mod="$CACHE/build"
  local staging=(api apiextensions-apiserver apimachinery apiserver cli-runtime client-go cloud-provider
    cluster-bootstrap code-generator component-base component-helpers controller-manager cri-api cri-client
    csi-translation-lib dynamic-resource-allocation endpointslice externaljwt kms kube-aggregator
    kube-controller-manager kube-proxy kube-scheduler kubectl kubelet metrics mount-utils
    pod-security-admission sample-apiserver sample-cli-plugin sample-controller)
  local minor="${KUBE_VERSION#*.}"
  local staging_version="v0.${minor}"
  rm -rf "$mod" && mkdir -p "$mod"
  {
    echo "module codeploy.local/kube-build"
    echo
    echo "go 1.23.0"
    echo
    echo "require k8s.io/kubernetes v$KUBE_VERSION"
    echo
    echo "replace ("
    for m in "${staging[@]}"; do
      local v="$staging_version" o
      for o in $STAGING_OVERRIDES; do [ "${o%%=*}" = "$m" ] && v="${o#*=}"; done
      echo "	k8s.io/$m => k8s.io/$m $v"
    done
    echo ")"
  } >"$mod/go.mod"
  (
    cd "$mod"
    "${NICE[@]}" go get "k8s.io/kubernetes/cmd/kube-apiserver@v$KUBE_VERSION" \
      "k8s.io/kubernetes/cmd/kube-controller-manager@v$KUBE_VERSION" \
      "k8s.io/kubernetes/cmd/kube-scheduler@v$KUBE_VERSION" >&2
    for cmd in kube-apiserver kube-controller-manager kube-scheduler; do
      local t0; t0=$(now)
      "${NICE[@]}" go build -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=v$KUBE_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${minor%%.*}" \
        -o "$CACHE/bin/$cmd.tmp" "k8s.io/kubernetes/cmd/$cmd"
      mv "$CACHE/bin/$cmd.tmp" "$CACHE/bin/$cmd"
      log "built $cmd in $(( $(now) - t0 ))s"
    done
  )
}

# etcd's server module replaces its sibling modules with local paths, as
# k8s.io/kubernetes does: the same throwaway-module treatment.
build_etcd() {
  local mod="$CACHE/build-etcd" t0
  t0=$(now)
  rm -rf "$mod" && mkdir -p "$mod"
  {
    echo "module codeploy.local/etcd-build"
    echo
    echo "go 1.23.0"
    echo
    echo "require go.etcd.io/etcd/server/v3 $ETCD_VERSION"
    echo
    echo "replace ("
    for m in api/v3 client/pkg/v3 client/v3 pkg/v3 raft/v3; do
      echo "	go.etcd.io/etcd/$m => go.etcd.io/etcd/$m $ETCD_VERSION"
    done
    # client/v2 is versioned v2.305.<patch> for etcd v3.5.<patch>.
    echo "	go.etcd.io/etcd/client/v2 => go.etcd.io/etcd/client/v2 v2.305.${ETCD_VERSION##*.}"
    echo ")"
  } >"$mod/go.mod"
  (
    cd "$mod"
    "${NICE[@]}" go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" >&2
    "${NICE[@]}" go build -ldflags "-s -w" -o "$CACHE/bin/etcd.tmp" go.etcd.io/etcd/server/v3
  )
  mv "$CACHE/bin/etcd.tmp" "$CACHE/bin/etcd"
  echo "$ETCD_VERSION" >"$CACHE/bin/etcd.version"
  log "built etcd $ETCD_VERSION in $(( $(now) - t0 ))s"
}

go_install() { # name module version
  local t0; t0=$(now)
  GOBIN="$CACHE/bin/.tmp-$1" "${NICE[@]}" go install "$2@$3" >&2
  mv "$CACHE/bin/.tmp-$1/$1" "$CACHE/bin/$1" && rmdir "$CACHE/bin/.tmp-$1"
  echo "$3" >"$CACHE/bin/$1.version"
  log "built $1 $3 in $(( $(now) - t0 ))s"
}
# Cached at the wanted version (the cache directory is per Kubernetes release; kwok and helm have their own).
cached() { [ -x "$CACHE/bin/$1" ] && [ "$(cat "$CACHE/bin/$1.version" 2>/dev/null)" = "$2" ]; }

start=$(now)
if [ "$no_build" = 1 ]; then
  missing=()
  for b in kube-apiserver kube-controller-manager kube-scheduler; do [ -x "$CACHE/bin/$b" ] || missing+=("$b"); done
  cached kwok "$KWOK_VERSION" || missing+=("kwok $KWOK_VERSION")
  cached etcd "$ETCD_VERSION" || missing+=("etcd $ETCD_VERSION")
  [ "$want_helm" = 1 ] && { cached helm "$HELM_VERSION" || missing+=("helm $HELM_VERSION"); }
  if [ "${#missing[@]}" -gt 0 ]; then
    log "not built yet: ${missing[*]} (in $CACHE/bin); run scripts/kube-build.sh first (about 20 minutes on 2 cores)"
    exit 3
  fi
fi
if [ -x "$CACHE/bin/kube-apiserver" ] && [ -x "$CACHE/bin/kube-controller-manager" ] && [ -x "$CACHE/bin/kube-scheduler" ]; then
  log "kubernetes v$KUBE_VERSION: cached in $CACHE/bin"
else
  build_kubernetes
fi
cached etcd "$ETCD_VERSION" && log "etcd $ETCD_VERSION: cached" || build_etcd
cached kwok "$KWOK_VERSION" && log "kwok $KWOK_VERSION: cached" || go_install kwok sigs.k8s.io/kwok/cmd/kwok "$KWOK_VERSION"
if [ "$want_helm" = 1 ]; then
  cached helm "$HELM_VERSION" && log "helm $HELM_VERSION: cached" || go_install helm helm.sh/helm/v3/cmd/helm "$HELM_VERSION"
fi
log "build phase: $(( $(now) - start ))s"
echo "$CACHE"
