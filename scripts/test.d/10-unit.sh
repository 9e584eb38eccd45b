# Unit tests of every package (pure code; LVM parsers against captured real output).
source "$REPO_ROOT/scripts/lib.sh"
cd "$REPO_ROOT"
OPENLOCAL_COUNTS_FILE="$OPENLOCAL_COUNTS_DIR/10-unit.json" npx vitest run --project '*:unit'
