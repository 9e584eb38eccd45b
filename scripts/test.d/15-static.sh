# Static checks: ESLint (house rules: boundaries, pure core, no any, no console) and tsc --noEmit of every
# workspace. Each check counts as one test in the closing line.
source "$REPO_ROOT/scripts/lib.sh"
cd "$REPO_ROOT"
passed=0; failed=0
if npx eslint --cache --cache-strategy content --cache-location "$OPENLOCAL_CACHE/eslint/" . ; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL eslint"; fi
if npx nx run-many -t typecheck --outputStyle=static; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL typecheck"; fi
echo "{\"passed\":$passed,\"failed\":$failed,\"skipped\":0}" > "$OPENLOCAL_COUNTS_DIR/15-static.json"
echo "static checks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
