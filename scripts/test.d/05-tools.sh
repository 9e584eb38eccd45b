# Pinned upstream tools (tools/versions.env): build what is missing from the Go module proxy into the cache
# (cold: many minutes; warm: a second), then check each binary runs from the cache at its pinned version.
set -euo pipefail
source "$REPO_ROOT/scripts/lib.sh"
cd "$REPO_ROOT" || exit 1
if ! "$REPO_ROOT/scripts/build-tools"; then
  log "scripts/build-tools failed; see the tool named above and its log under $OPENLOCAL_CACHE/tools/logs"
  exit 1
fi
OPENLOCAL_COUNTS_FILE="$OPENLOCAL_COUNTS_DIR/05-tools.json" npx vitest run --config tools/vitest.tools.config.ts
