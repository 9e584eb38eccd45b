#!/bin/bash
# The thin-pool half of the observability suite, inside the e2e/vm QEMU guest (the host has no device-mapper, so
# no thin pool can be active there). On the raw disk: a VG with a 64 MiB thin pool and a thin volume filled to
# ~88% of the pool with random data. Our agent (talking to the host's kube-apiserver at 10.0.2.2) reports it;
# Debian's Prometheus, started here from the host's binary with the chart's rules, scrapes the agent; the
# queries the host asked for (share/queries.json) are answered into share/present.json once the pool's series
# and the nearly-full alert show. Then the pool is removed and share/absent.json records the series gone.
# lvm's own view of the pool is written to share/lvs.json for the host to compare.
#
# Environment (from the host): OPENLOCAL_GUEST_SHARE, OPENLOCAL_GUEST_DISKS (runInGuest), NODE_NAME, VG_NAME.
set -uo pipefail

share="${OPENLOCAL_GUEST_SHARE:?}"
node_name="${NODE_NAME:?}"
vg="${VG_NAME:?}"
disk="${OPENLOCAL_GUEST_DISKS%%,*}"
repo="$(pwd)"
logs="$share/logs"
mkdir -p "$logs"
pids=()

say() { echo "thin-pool-node [$(cut -d' ' -f1 /proc/uptime) s] $*"; }
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  vgremove -f "$vg" >/dev/null 2>&1
}
fail() { say "FAILED: $*"; echo "$*" >"$share/failed"; cleanup; exit 1; }
trap cleanup EXIT

pvcreate -y "$disk" >"$logs/lvm.log" 2>&1 || fail "pvcreate $disk (see logs/lvm.log)"
vgcreate "$vg" "$disk" >>"$logs/lvm.log" 2>&1 || fail "vgcreate $vg (see logs/lvm.log)"
lvcreate --type thin-pool -L 64m -n pool0 "$vg" >>"$logs/lvm.log" 2>&1 || fail "lvcreate the thin pool (see logs/lvm.log)"
lvcreate --thin -V 128m -n thin0 "$vg/pool0" >>"$logs/lvm.log" 2>&1 || fail "lvcreate the thin volume (see logs/lvm.log)"
# Random bytes: every block written is a block the pool allocates (56 of its 64 MiB).
dd if=/dev/urandom of="/dev/$vg/thin0" bs=1M count=56 oflag=direct status=none || fail "writing the thin volume"
lvs --reportformat json --units b --nosuffix -o lv_name,vg_name,lv_size,data_percent,metadata_percent,lv_attr "$vg" >"$share/lvs.json" ||
  fail "lvs"
say "thin pool filled: $(lvs --noheadings -o data_percent "$vg/pool0")% data"

node "$repo/packages/agent/dist/main.js" --nodename "$node_name" --kubeconfig "$share/kubeconfig" \
  --interval 2 --metrics-host 127.0.0.1 --metrics-port 9101 >"$logs/agent.log" 2>&1 &
pids+=("$!")
mkdir -p /tmp/prometheus
/usr/bin/prometheus --config.file="$share/prometheus.yml" --storage.tsdb.path=/tmp/prometheus \
  --web.listen-address=127.0.0.1:9090 --log.level=warn >"$logs/prometheus.log" 2>&1 &
pids+=("$!")
say "agent and prometheus started"

query() { node "$repo/e2e/observability/guest-queries.mjs" http://127.0.0.1:9090 "$share/queries.json" "$1" "$share/$1.json"; }
query present >"$logs/query-present.log" 2>&1 || fail "the pool's series and alert never showed (see logs/query-present.log)"
say "queries answered with the pool present"
lvremove -f "$vg/thin0" "$vg/pool0" >>"$logs/lvm.log" 2>&1 || fail "lvremove (see logs/lvm.log)"
query absent >"$logs/query-absent.log" 2>&1 || fail "the pool's series did not go (see logs/query-absent.log)"
say "queries answered with the pool gone"
exit 0
