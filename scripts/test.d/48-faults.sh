# Fault injection on the cluster rung (#16): a real control plane, per simulated node (own loops and LVM view) an
# agent, a csi-plugin and an external-provisioner --node-deployment, the controller and the extender behind
# kube-scheduler; every daemon killed with SIGKILL at seeded random moments (the seed is printed) during >=100
# claim create/delete cycles and one kube-apiserver restart; then PV/LV/NLS consistency, orphans reported, no
# VG over-committed, no claim stuck. Prints its numbers ([faults] lines). Needs root, loop devices and the tools
# from scripts/build-tools; skips with the reason printed otherwise. OPENLOCAL_FAULT_SEED repeats a run.
source "$REPO_ROOT/scripts/lib.sh"
cd "$REPO_ROOT"
log "e2e:faults: >=100 claim cycles under kill -9 of every daemon and a kube-apiserver restart (progress every 20 cycles)"
OPENLOCAL_COUNTS_FILE="$OPENLOCAL_COUNTS_DIR/48-faults.json" npx vitest run --project 'e2e:faults'
