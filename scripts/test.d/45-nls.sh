# NodeLocalStorage lifecycle on a real control plane: the controller (init config → one NLS per node, leader
# failover) and per-node agents on loop-backed VGs with their own LVM view. Needs root, loop devices and the
# control-plane binaries from scripts/build-tools; the suites skip with the reason printed otherwise.
# The suites each start their own cluster (the agent's guest suite boots one QEMU guest reporting to it), so they
# run one after the other (one counts file each).
source "$REPO_ROOT/scripts/lib.sh"
cd "$REPO_ROOT"
status=0
OPENLOCAL_COUNTS_FILE="$OPENLOCAL_COUNTS_DIR/45-nls-controller.json" npx vitest run --project 'controller:cluster' || status=1
OPENLOCAL_COUNTS_FILE="$OPENLOCAL_COUNTS_DIR/45-nls-agent.json" npx vitest run --project 'agent:cluster' || status=1
# The agent in the QEMU guest (hung disk, thin pools) against this stage's kind of control plane.
OPENLOCAL_COUNTS_FILE="$OPENLOCAL_COUNTS_DIR/45-nls-agent-guest.json" npx vitest run --project 'agent:guest' || status=1
exit "$status"
