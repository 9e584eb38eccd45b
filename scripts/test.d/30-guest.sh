# Device-mapper tests (project lvm:guest) inside one QEMU guest (e2e/vm): Debian's kernel under TCG with the
# host's / read-only over 9p. Builds the cached kernel and initramfs on first use. Prints boot-to-ready, the
# suite's time and per-operation LVM times; the guest's counts join the run's closing line. When QEMU cannot
# run here at all, the stage records one skip and says why.
source "$REPO_ROOT/scripts/lib.sh"
cd "$REPO_ROOT"
counts="$OPENLOCAL_COUNTS_DIR/30-guest.json"
out="$OPENLOCAL_RUN_DIR/guest"
start=$(now_s)
npx tsx e2e/vm/cli.ts vitest --counts-file "$counts" --output-dir "$out"
status=$?
if [ "$status" -eq 3 ]; then
  log "SKIP lvm:guest: QEMU cannot run on this machine (reason above)"
  echo '{"passed":0,"failed":0,"skipped":1}' > "$counts"
  status=0
elif [ "$status" -ne 0 ] && [ ! -f "$counts" ]; then
  log "the guest suite ended with status $status and no counts; console log: $out/console.log"
fi
log "guest suite (build check, boot, tests, power-off) took $(elapsed_since "$start") s; guest output in $out"
exit "$status"
