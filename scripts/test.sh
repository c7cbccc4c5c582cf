#!/usr/bin/env bash
# Runs every check of the suite on this machine: strict type check, lint, the API reports, the unit
# and integration tests of every package, and the end-to-end tests in headless Chromium against the
# running portal.
# Installs what is missing first. Ends with one line `N passed, N failed` totalling every suite.
source "$(dirname "$0")/env.sh"
set +e
cd "$REPO_ROOT"
ensure_install || { echo "0 passed, 1 failed"; exit 1; }
bash scripts/test-services/system-packages.sh || echo "[test] some system packages could not be installed" >&2

export CI=true
out="$REPO_ROOT/.run/test-results"
rm -rf "$out"; mkdir -p "$out"
passed=0; failed=0
check() { # name, command...
  local name="$1"; shift
  echo "::: $name"
  if "$@"; then passed=$((passed + 1)); echo "::: $name passed"; else failed=$((failed + 1)); echo "::: $name FAILED"; fi
}
count_jest() { # json file, suite name
  local counts
  counts="$(node -e '
    const fs = require("fs");
    try {
      const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
      // Suites that failed to run at all (syntax errors, crashes) count as failures too.
      const broken = r.testResults.filter(s => s.status === "failed" && s.assertionResults.length === 0).length;
      console.log(`${r.numPassedTests} ${r.numFailedTests + broken}`);
    } catch (e) { console.log("0 1"); }
  ' "$1")"
  local p="${counts% *}" f="${counts#* }"
  echo "::: $2: $p passed, $f failed"
  passed=$((passed + p)); failed=$((failed + f))
}

check "type check (tsc, strict)" yarn tsc --noEmit
check "lint" yarn backstage-cli repo lint
# Each plugin package's committed report*.api.md must match its exports (API Extractor over a fresh
# dist-types); after changing exports run `yarn build:api-reports` and commit the reports.
check "API reports (api-extractor)" yarn build:api-reports --ci

echo "::: unit and integration tests"
yarn backstage-cli repo test --json --outputFile="$out/jest.json" --maxWorkers=2
count_jest "$out/jest.json" "unit and integration tests"

echo "::: end-to-end tests (headless Chromium against the portal on the embedded default)"
bash scripts/e2e.sh "$out/e2e.json"
count_jest "$out/e2e.json" "end-to-end tests"

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
