# Host integration tests: real lvm on loop devices, mkfs and mount (root only; they skip with a reason otherwise).
source "$REPO_ROOT/scripts/lib.sh"
cd "$REPO_ROOT"
OPENLOCAL_COUNTS_FILE="$OPENLOCAL_COUNTS_DIR/20-host.json" npx vitest run --project '*:host'
