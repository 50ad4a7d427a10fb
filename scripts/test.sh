#!/usr/bin/env bash
# The second command: installs what the tests need, builds, runs every suite — unit tests
# and the API tests on SQLite against the server built with ASan+UBSan, the API tests on
# PostgreSQL against the release server, browser tests in Chromium — and prints
# "N passed, N failed". Exits non-zero on any failure.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
results="$root/build/test-results"
rm -rf "$results"
mkdir -p "$results"

step() { printf '\n==== %s\n' "$*"; }

step "Dependencies"
"$root/scripts/install-deps.sh" --test || exit 1

step "Build (release server, web UI)"
"$root/scripts/build.sh" || exit 1

step "Build (debug with ASan+UBSan: unit tests and the server)"
export CCACHE_BASEDIR=$root
[[ -f build/debug/build.ninja ]] || cmake --preset debug >/dev/null || exit 1
cmake --build --preset debug --target upravdom_unit_tests upravdom || exit 1

total_passed=0
total_failed=0
declare -a lines=()
record() {  # name passed failed
  total_passed=$((total_passed + $2))
  total_failed=$((total_failed + $3))
  lines+=("$(printf '%-22s %5d passed %5d failed' "$1" "$2" "$3")")
}
junit() { read -r p f < <(/usr/bin/python3 "$root/scripts/junit_count.py" "$2"); record "$1" "$p" "$f"; }

step "Unit tests (ASan+UBSan)"
ctest --test-dir build/debug --output-on-failure --output-junit "$results/unit.xml" -j2
junit "unit" "$results/unit.xml"

step "API tests on SQLite (server under ASan+UBSan)"
# Any sanitizer finding aborts the server, which fails the tests that were talking to it.
ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  UPRAVDOM_BIN="$root/build/debug/upravdom" \
  tests/api/run.sh sqlite --junitxml="$results/api-sqlite.xml" -q
junit "api (sqlite, asan)" "$results/api-sqlite.xml"

step "API tests on PostgreSQL"
tests/api/run.sh postgres --junitxml="$results/api-postgres.xml" -q
junit "api (postgresql)" "$results/api-postgres.xml"

step "Browser tests (Chromium)"
# The e2e script starts a fresh server with an operator and an admin user (the suite needs both).
UPRAVDOM_BIN="$root/build/release/upravdom" web/tests/e2e/run-with-server.sh \
  --test-reporter=tap --test-concurrency=1 tests/e2e/ > "$results/e2e.tap" 2>&1
grep -E '^(not ok|ok|# (pass|fail|skipped))' "$results/e2e.tap" | tail -60
e2e_pass=$(grep -E '^# pass ' "$results/e2e.tap" | awk '{print $3}')
e2e_fail=$(grep -E '^# fail ' "$results/e2e.tap" | awk '{print $3}')
if [[ "${e2e_fail:-1}" != 0 ]]; then
  # What failed and why (the TAP diagnostics of each failing test), then the failing files
  # once more on a fresh server: a browser test that fails under the load of a 2-core CI
  # machine and passes alone is reported as flaky, by name, not hidden.
  echo "--- failing browser tests:"
  awk '/^not ok/{show=1; n=0} show{print; if (++n > 40 || /^  \.\.\.$/) show=0}' "$results/e2e.tap"
  mapfile -t failed_files < <(awk '/^not ok/{f=1} f && /^  location:/{
      sub(/^  location: \x27/, ""); sub(/:[0-9]+:[0-9]+\x27$/, ""); print; f=0}' \
      "$results/e2e.tap" | sort -u)
  if ((${#failed_files[@]})) && [[ -n "${failed_files[0]}" ]]; then
    echo "--- re-running: ${failed_files[*]}"
    UPRAVDOM_BIN="$root/build/release/upravdom" web/tests/e2e/run-with-server.sh \
      --test-reporter=tap --test-concurrency=1 "${failed_files[@]}" > "$results/e2e-rerun.tap" 2>&1 || true
    rerun_fail=$(grep -E '^# fail ' "$results/e2e-rerun.tap" | awk '{print $3}')
    if [[ "${rerun_fail:-1}" == 0 ]]; then
      echo "FLAKY (failed once, passed on the re-run):"
      grep -E '^not ok' "$results/e2e.tap" | sed 's/^/  /'
      e2e_pass=$((e2e_pass + e2e_fail)) e2e_fail=0
    else
      echo "--- the re-run failed too:"
      awk '/^not ok/{show=1; n=0} show{print; if (++n > 40 || /^  \.\.\.$/) show=0}' "$results/e2e-rerun.tap"
    fi
  fi
fi
record "browser" "${e2e_pass:-0}" "${e2e_fail:-1}"

printf '\n==== Summary\n'
printf '%s\n' "${lines[@]}"
echo "$total_passed passed, $total_failed failed"
[[ $total_failed -eq 0 && $total_passed -gt 0 ]]
