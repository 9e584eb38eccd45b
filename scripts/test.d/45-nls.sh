# NodeLocalStorage lifecycle on a real control plane: the controller (init config → one NLS per node, leader
# failover) and per-node agents on loop-backed VGs with their own LVM view. Needs root, loop devices and the
# control-plane binaries from scripts/build-tools; the suites skip with the reason printed otherwise.
# The suites each start their own cluster (one counts file each). The agent's guest suites (hung disk, thin
# pools: the agent in a QEMU guest reporting to a control plane on the host) run beside the two host suites
# (beside_start in scripts/lib.sh): the guest keeps one host core busy, and the parts share nothing (their own
# control planes on free ports, the guest's disks are files given to qemu, the host suites make their own loop
# devices and VGs). The two host suites run one after the other: both take free loop devices.
source "$REPO_ROOT/scripts/lib.sh"
cd "$REPO_ROOT"
status=0
beside_start 45-nls-agent-guest env OPENLOCAL_COUNTS_FILE="$OPENLOCAL_COUNTS_DIR/45-nls-agent-guest.json" npx vitest run --project 'agent:guest'
OPENLOCAL_COUNTS_FILE="$OPENLOCAL_COUNTS_DIR/45-nls-controller.json" npx vitest run --project 'controller:cluster' || status=1
OPENLOCAL_COUNTS_FILE="$OPENLOCAL_COUNTS_DIR/45-nls-agent.json" npx vitest run --project 'agent:cluster' || status=1
beside_wait 45-nls-agent-guest || status=1
exit "$status"
