# Shared by the kubelet rung's guest scripts (guest-node.sh: our apps as processes; guest-chart.sh: the chart's
# pods): logging, process start and stop, and the node report the host test reads. Sourced, never run.
# Expects: share, vg, kubelet_dir, logs set by the caller.
# shellcheck shell=bash
pids=()
names=()
# VGs the report lists besides $vg (e.g. the Open-Local VG of the upgrade, guest-chart.sh).
report_extra_vgs=()

say() { echo "kubelet-node [$(cut -d' ' -f1 /proc/uptime) s] $*"; }
fail() { say "FAILED: $*"; echo "$*" > "$share/failed"; exit 1; }
start() {
  local name="$1"
  shift
  "$@" >"$logs/$name.log" 2>&1 &
  pids+=("$!")
  names+=("$name")
  say "started $name (pid $!)"
}
# wait_for_socket PATH SECONDS: true once PATH is a socket.
wait_for_socket() {
  local _
  for _ in $(seq $(($2 * 2))); do [ -S "$1" ] && return 0; sleep 0.5; done
  [ -S "$1" ]
}
stop_all() {
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill -TERM "${pids[i]}" 2>/dev/null; done
  sleep 2
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill -KILL "${pids[i]}" 2>/dev/null; done
}
# fail_if_one_died: the node fails as soon as one of the processes it started ends on its own.
fail_if_one_died() {
  local i
  for i in "${!pids[@]}"; do
    if ! kill -0 "${pids[i]}" 2>/dev/null; then
      echo "${names[i]}" >>"$share/died"
      fail "${names[i]} exited on its own (see logs/${names[i]}.log)"
    fi
  done
}

# What only the node sees, written atomically (tmp + rename) so the host never reads half a file.
report() {
  lvm lvs --reportformat json --units b --nosuffix -o lv_name,vg_name,lv_size,lv_active,lv_kernel_major,lv_kernel_minor "$vg" "${report_extra_vgs[@]}" >"$share/.lvs.json" 2>/dev/null &&
    mv -f "$share/.lvs.json" "$share/lvs.json"
  findmnt --json --bytes --submounts --output TARGET,SOURCE,FSTYPE,SIZE,OPTIONS --mountpoint "$kubelet_dir" >"$share/.mounts.json" 2>/dev/null &&
    mv -f "$share/.mounts.json" "$share/mounts.json"
  # The marker file each test pod writes into its volume (pod names only: safe to put in JSON as they are).
  write_json_map markers.json '^[a-z0-9-]+$' "$kubelet_dir"/pods/*/volumes/kubernetes.io~csi/*/mount/marker
}

# write_json_map NAME REGEX FILE...: share/NAME (written atomically) as a JSON object {"FILE": "TEXT"} of each
# non-empty FILE, its lines joined by ';' (no trailing one); TEXT that does not match REGEX, the only text that
# is safe to put in JSON as it is, becomes "(unexpected content)".
write_json_map() {
  local name="$1" regex="$2" f text first=1
  shift 2
  {
    printf '{'
    for f in "$@"; do
      [ -f "$f" ] || continue
      text="$(head -c 4096 "$f" | tr '\n' ';')"
      text="${text%;}"
      [ -n "$text" ] || continue
      [[ "$text" =~ $regex ]] || text="(unexpected content)"
      [ "$first" -eq 1 ] || printf ','
      first=0
      printf '"%s":"%s"' "$f" "$text"
    done
    printf '}'
  } >"$share/.$name" && mv -f "$share/.$name" "$share/$name"
}

# report_throttle: the IO limits as the kernel shows them in each pod's cgroup (cgroupfs driver: v2 io.max, or
# v1 blkio.throttle.*_device), non-empty files only, lines joined by ';', for the host to compare with each LV's
# device number in lvs.json (kubelet-node.test.ts, io-throttle.ts). No lvm call: it adds little to the loop.
report_throttle() {
  write_json_map throttle.json '^[0-9a-z:= ;]+$' /sys/fs/cgroup/kubepods/pod*/io.max /sys/fs/cgroup/kubepods/*/pod*/io.max \
    /sys/fs/cgroup/blkio/kubepods/pod*/blkio.throttle.*_device /sys/fs/cgroup/blkio/kubepods/*/pod*/blkio.throttle.*_device
}
