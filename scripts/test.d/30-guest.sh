# Device-mapper tests (project lvm:guest) inside one QEMU guest (e2e/vm): Debian's kernel under TCG with the
# host's / read-only over 9p. Builds the cached kernel and initramfs on first use. Prints boot-to-ready, the
# suite's time and per-operation LVM times; the guest's counts join the run's closing line. Also runs the
# harness's own tests: vm:unit (no guest) and vm:harness (exit codes, disks, env, timeout kill, a real power
# cycle of the guest on one disk image, with real qemu).
# When QEMU cannot run here at all, the stage records one skip per part and says why.
source "$REPO_ROOT/scripts/lib.sh"
cd "$REPO_ROOT"
reporters=(--reporter=default --reporter="$REPO_ROOT/scripts/count-reporter.mjs")
skip() { log "SKIP $1: QEMU cannot run on this machine (reason above)"; echo '{"passed":0,"failed":0,"skipped":1}' > "$OPENLOCAL_COUNTS_DIR/$2"; }
overall=0

OPENLOCAL_COUNTS_FILE="$OPENLOCAL_COUNTS_DIR/30-guest-vm-unit.json" npx vitest run --config e2e/vm/vitest.unit.config.ts "${reporters[@]}" || overall=1

# The kernel and initramfs first (cached: a few seconds), so the two parts below never build them at once.
npx tsx e2e/vm/cli.ts build
if [ $? -eq 3 ]; then
  skip lvm:guest 30-guest.json
  skip vm:harness 30-guest-vm-harness.json
  exit "$overall"
fi

# vm:harness (4 boots: exit code and disks, a hung guest killed at its 20 s deadline, a power cycle on one disk
# image) runs beside lvm:guest (beside_start in scripts/lib.sh): each is one guest of one vCPU, so each keeps one
# of the host's two cores busy, and they share nothing (each guest's disks and share are its own files).
beside_start 30-guest-vm-harness env OPENLOCAL_COUNTS_FILE="$OPENLOCAL_COUNTS_DIR/30-guest-vm-harness.json" npx vitest run --config e2e/vm/vitest.harness.config.ts "${reporters[@]}"

counts="$OPENLOCAL_COUNTS_DIR/30-guest.json"
out="$OPENLOCAL_RUN_DIR/guest"
start=$(now_s)
npx tsx e2e/vm/cli.ts vitest --counts-file "$counts" --output-dir "$out"
status=$?
log "lvm:guest suite (cache check, boot, tests, power-off) took $(elapsed_since "$start") s; console log and share in $out"
if [ "$status" -eq 3 ]; then
  skip lvm:guest 30-guest.json
  beside_wait 30-guest-vm-harness || overall=1
  exit "$overall"
fi
if [ "$status" -ne 0 ]; then
  overall=1
  if [ ! -f "$counts" ]; then
    log "the guest suite ended with status $status and no counts; console log: $out/console.log"
    echo '{"passed":0,"failed":1,"skipped":0}' > "$counts"
  fi
fi

beside_wait 30-guest-vm-harness || overall=1
exit "$overall"
