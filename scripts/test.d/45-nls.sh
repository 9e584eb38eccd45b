# NodeLocalStorage lifecycle on a real control plane: the controller (init config → one NLS per node, leader
# failover) and per-node agents on loop-backed VGs with their own LVM view. Needs root, loop devices and the
# control-plane binaries from scripts/build-tools; the suites skip with the reason printed otherwise.
source "$REPO_ROOT/scripts/lib.sh"
cd "$REPO_ROOT"
OPENLOCAL_COUNTS_FILE="$OPENLOCAL_COUNTS_DIR/45-nls.json" npx vitest run --project 'controller:nls' --project 'agent:nls'
