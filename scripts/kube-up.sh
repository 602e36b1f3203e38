#!/usr/bin/env bash
# Starts a local Kubernetes control plane made of real upstream components, on
# loopback only: etcd 3.5, kube-apiserver,
# kube-controller-manager and kube-scheduler of one Kubernetes release (built
# from the Go module proxy by kube-build.sh, cached), and kwok, which plays the
# kubelet: it keeps a fake Node ready and moves pods through their lifecycle
# (scheduled -> Running and Ready; Job pods -> Succeeded), so Deployments,
# StatefulSets and Jobs progress as on a cluster. No container ever runs.
#
# Pods whose image tag is `crashloop` (e.g. `acme/web:crashloop`) never
# become ready: kwok reports them in CrashLoopBackOff, for failing rollouts.
#
# The last line printed is `KUBECONFIG=<path>`. A control plane already
# running from the same directory is reused. Stop it with kube-down.sh.
#
# Environment: CODEPLOY_KUBE_DIR (data, logs, certs; default
# /dev/shm/codeploy-kube), CODEPLOY_KUBE_VERSION (see kube-build.sh),
# CODEPLOY_KUBE_NO_BUILD=1 (fail instead of building what is not cached).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
DEFAULT_DIR=/tmp/codeploy-kube
[ -d /dev/shm ] && [ -w /dev/shm ] && DEFAULT_DIR=/dev/shm/codeploy-kube
DIR="${CODEPLOY_KUBE_DIR:-$DEFAULT_DIR}"
KUBECONFIG_PATH="$DIR/kubeconfig"
log() { printf '[kube-up] %s\n' "$*" >&2; }
now_ms() { date +%s%3N; }
die() {
  log "error: $*"
  for f in "$DIR"/logs/*.log; do [ -f "$f" ] && { log "--- tail of $f"; tail -n 15 "$f" >&2; }; done
  exit 1
}

healthy() { [ -f "$KUBECONFIG_PATH" ] && kubectl --kubeconfig "$KUBECONFIG_PATH" --request-timeout=3s get --raw /readyz >/dev/null 2>&1; }

if healthy && [ -f "$DIR/ready" ]; then
  log "reusing the control plane running from $DIR"
  echo "KUBECONFIG=$KUBECONFIG_PATH"
  exit 0
fi

command -v openssl >/dev/null || die "openssl not found"
command -v kubectl >/dev/null || die "kubectl not found"

build_start=$(now_ms)
build_args=()
[ "${CODEPLOY_KUBE_NO_BUILD:-}" = 1 ] && build_args+=(--no-build)
CACHE="$("$HERE/kube-build.sh" "${build_args[@]}" | tail -n 1)" || die "the control plane's binaries are not available (see above)"
BIN="$CACHE/bin"
log "binaries ready in $(( $(now_ms) - build_start )) ms ($BIN)"

start=$(now_ms)
"$HERE/kube-down.sh" --quiet || true
mkdir -p "$DIR"/{pki,logs,pids,etcd}
chmod 700 "$DIR"

# Free loopback ports, asked of the kernel (a fixed port would collide with another run).
read -r ETCD_PORT PEER_PORT API_PORT KWOK_PORT < <(node -e '
  const net = require("node:net");
  const one = () => new Promise((r) => { const s = net.createServer(); s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => r(p)); }); });
  Promise.all([one(), one(), one(), one()]).then((ps) => console.log(ps.join(" ")));')

# --- certificates: a CA, the API server's serving cert, an admin client cert, the service-account key pair.
PKI="$DIR/pki"
(
  cd "$PKI"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 30 -subj "/CN=codeploy-kube-ca" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n' >apiserver.ext
  openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out apiserver.crt -days 30 -extfile apiserver.ext 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr -subj "/O=system:masters/CN=codeploy-admin" 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\n' >admin.ext
  openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out admin.crt -days 30 -extfile admin.ext 2>/dev/null
  openssl genrsa -out sa.key 2048 2>/dev/null
  openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
) || die "openssl failed to make the certificates"

b64() { base64 -w0 <"$1"; }
cat >"$KUBECONFIG_PATH" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: codeploy-kube
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority-data: $(b64 "$PKI/ca.crt")
users:
- name: codeploy-admin
  user:
    client-certificate-data: $(b64 "$PKI/admin.crt")
    client-key-data: $(b64 "$PKI/admin.key")
contexts:
- name: codeploy-kube
  context: { cluster: codeploy-kube, user: codeploy-admin, namespace: default }
current-context: codeploy-kube
EOF
chmod 600 "$KUBECONFIG_PATH"

# Started in their own session so that they outlive this script (and the test
# process that ran it); kube-down.sh stops exactly these pids.
run() { # name command...
  local name="$1"
  shift
  setsid "$@" >"$DIR/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$DIR/pids/$name.pid"
}
alive() { kill -0 "$(cat "$DIR/pids/$1.pid")" 2>/dev/null || die "$1 exited"; }
wait_for() { # what seconds command...
  local what="$1" seconds="$2"
  shift 2
  local deadline=$(( $(date +%s) + seconds ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || die "$what not ready after ${seconds}s"
    for p in "$DIR"/pids/*.pid; do alive "$(basename "$p" .pid)"; done
    sleep 0.3
  done
}

# The data lives in memory (/dev/shm by default): a test cluster needs no durability.
run etcd "$BIN/etcd" --name codeploy --data-dir "$DIR/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$PEER_PORT" \
  --initial-cluster "codeploy=http://127.0.0.1:$PEER_PORT" --log-level warn
wait_for etcd 30 curl -sf "http://127.0.0.1:$ETCD_PORT/health"

# Admission: the default plugin set, PodSecurity included (enforced per
# namespace by its pod-security.kubernetes.io labels). No endpoint reconciler:
# a loopback address is not a valid Endpoints address.
run kube-apiserver "$BIN/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$API_PORT" \
  --cert-dir "$PKI" --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
  --client-ca-file "$PKI/ca.crt" \
  --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
  --service-account-issuer https://kubernetes.default.svc \
  --service-cluster-ip-range 10.96.0.0/16 \
  --authorization-mode RBAC --allow-privileged=true \
  --endpoint-reconciler-type none --profiling=false
wait_for kube-apiserver 90 kubectl --kubeconfig "$KUBECONFIG_PATH" --request-timeout=3s get --raw /readyz

run kube-controller-manager "$BIN/kube-controller-manager" \
  --kubeconfig "$KUBECONFIG_PATH" --controllers '*' --leader-elect=false --secure-port 0 \
  --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
  --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" \
  --use-service-account-credentials=false --profiling=false

# The volume plugins are off: nothing here provisions volumes, so a pod with a
# volume claim is scheduled without waiting for the claim to bind (the claim
# stays Pending; storage is what only a real cluster shows).
cat >"$DIR/scheduler.yaml" <<EOF
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
clientConnection: { kubeconfig: "$KUBECONFIG_PATH" }
leaderElection: { leaderElect: false }
profiles:
- schedulerName: default-scheduler
  plugins:
    multiPoint:
      disabled: [{ name: VolumeBinding }, { name: NodeVolumeLimits }, { name: VolumeZone }]
EOF
run kube-scheduler "$BIN/kube-scheduler" --config "$DIR/scheduler.yaml" --secure-port 0

cp "$HERE/kube-stages.yaml" "$DIR/kwok.yaml"
run kwok "$BIN/kwok" --kubeconfig "$KUBECONFIG_PATH" --manage-all-nodes=true --config "$DIR/kwok.yaml" \
  --server-address "127.0.0.1:$KWOK_PORT" --node-lease-duration-seconds 40

kubectl --kubeconfig "$KUBECONFIG_PATH" apply -f - >/dev/null <<'EOF' || die "could not create the fake node"
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-0
  annotations: { kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0" }
  labels: { kubernetes.io/hostname: kwok-node-0, kubernetes.io/os: linux, kubernetes.io/arch: amd64, type: kwok }
status:
  allocatable: { cpu: "64", memory: 256Gi, pods: "500" }
  capacity: { cpu: "64", memory: 256Gi, pods: "500" }
EOF
wait_for "the kwok node" 60 kubectl --kubeconfig "$KUBECONFIG_PATH" wait --for=condition=Ready node/kwok-node-0 --timeout=2s
# The controller manager is up once it has made the default namespace's service account.
wait_for kube-controller-manager 60 kubectl --kubeconfig "$KUBECONFIG_PATH" get serviceaccount default -n default
touch "$DIR/ready"

log "kubernetes $("$BIN/kube-apiserver" --version | awk '{print $2}'), etcd $("$BIN/etcd" --version | awk '/etcd Version/ {print $3}'), kwok $(cat "$BIN/kwok.version")"
log "control plane started in $(( $(now_ms) - start )) ms (API server https://127.0.0.1:$API_PORT, logs in $DIR/logs)"
echo "KUBECONFIG=$KUBECONFIG_PATH"
