# Shared helpers for the project's scripts. Sourced, never run.
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO_ROOT
# Built upstream binaries, the VM kernel and Go's caches live outside the checkout, so a fresh clone on the same
# machine (CI runs in one) starts warm. <repo>/.cache is a link to it, for tools that default to that path.
export OPENLOCAL_CACHE="${OPENLOCAL_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/open-local-ts}"
export LVM_SUPPRESS_FD_WARNINGS=1

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }

# Seconds since the epoch with fractions, for printed timings.
now_s() { date +%s.%N; }
elapsed_since() { awk -v a="$1" -v b="$(now_s)" 'BEGIN { printf "%.1f", b - a }'; }

# Names listed in a package file (one a line, `#` comments) that dpkg does not report as installed.
missing_debian_packages() {
  local name
  while read -r name; do
    [ -n "$name" ] || continue
    [ "$(dpkg-query -W -f='${Status}' "$name" 2>/dev/null)" = "install ok installed" ] || echo "$name"
  done < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$1")
}

# apt_install_listed FILE: installs the Debian packages FILE lists that are missing; `apt-get update` once per
# cache. Fails naming the packages when not root.
apt_install_listed() {
  local missing
  mapfile -t missing < <(missing_debian_packages "$1")
  [ "${#missing[@]}" -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    log "missing Debian packages ${missing[*]} and not root: install them (apt-get install ${missing[*]}), or run as root"
    return 1
  fi
  log "apt-get install ${missing[*]}"
  # Once per cache, and again on a system whose package lists are gone (a cache reused on a fresh root).
  if [ ! -f "$OPENLOCAL_CACHE/.apt-updated" ] || ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
    apt-get update -qq
    mkdir -p "$OPENLOCAL_CACHE" && touch "$OPENLOCAL_CACHE/.apt-updated"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Parts of one stage that run side by side. A stage uses them only for parts that share nothing (each makes its
# own loop devices or guest disks, VG names, free ports and temp dirs) and where one part is bound to the QEMU
# guest (one emulated vCPU keeps one host core busy while the other idles), so the stage takes about as long as
# its longer part instead of the sum. `beside_start NAME CMD...` runs CMD in the background in its own process
# group, its output in $OPENLOCAL_RUN_DIR/NAME.log (never interleaved with the foreground part's);
# `beside_wait NAME` waits for it, prints that output, logs how long it took and returns CMD's status. A stage
# that ends early (a signal, a failing `exit`) stops what it started: beside_stop_all runs on EXIT.
declare -A beside_pids=() beside_starts=()
beside_start() {
  local name="$1"; shift
  log "$name: started beside the next part; its output follows when it ends (log $OPENLOCAL_RUN_DIR/$name.log)"
  beside_starts[$name]=$(now_s)
  # Not a process-group leader (no job control in scripts), so setsid makes its own group without forking: the
  # PID we record is the group's id.
  setsid "$@" >"$OPENLOCAL_RUN_DIR/$name.log" 2>&1 &
  beside_pids[$name]=$!
  trap beside_stop_all EXIT
}
beside_wait() {
  local name="$1" status=0
  wait "${beside_pids[$name]}" || status=$?
  unset "beside_pids[$name]"
  cat "$OPENLOCAL_RUN_DIR/$name.log"
  # Its log's last write is about when it ended (it may have ended long before the foreground part did).
  log "$name: ended with status $status about $(awk -v a="${beside_starts[$name]}" -v b="$(stat -c %Y "$OPENLOCAL_RUN_DIR/$name.log")" 'BEGIN { printf "%.0f", b - a }') s after it started (run beside the other parts; waited for after $(elapsed_since "${beside_starts[$name]}") s)"
  return "$status"
}
beside_stop_all() {
  local name
  for name in "${!beside_pids[@]}"; do
    log "stopping $name (process group ${beside_pids[$name]}): the stage ended before it did"
    kill -TERM -- "-${beside_pids[$name]}" 2>/dev/null
    wait "${beside_pids[$name]}" 2>/dev/null
  done
}
