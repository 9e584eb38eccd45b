# Static checks: ESLint (house rules: boundaries, pure core, no any, no console), tsc --noEmit of every
# workspace and of scripts/, and the fresh-machine check (every external command the scripts, tests and apps
# run comes from a package a new machine has or scripts/setup installs). Each check counts as one test.
source "$REPO_ROOT/scripts/lib.sh"
cd "$REPO_ROOT"
passed=0; failed=0
check() {
  local label="$1"; shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $label"; fi
}
check eslint npx eslint --cache --cache-strategy content --cache-location "$OPENLOCAL_CACHE/eslint/" .
check typecheck npx nx run-many -t typecheck --outputStyle=static
# scripts/ is not an npm workspace, so nx typecheck does not see it.
check "tsc -p scripts/tsconfig.json" npx tsc -p scripts/tsconfig.json --noEmit
check "machine check (npx tsx scripts/machine/check.ts --verbose lists every command and its package)" npx tsx scripts/machine/check.ts
echo "{\"passed\":$passed,\"failed\":$failed,\"skipped\":0}" > "$OPENLOCAL_COUNTS_DIR/15-static.json"
echo "static checks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
