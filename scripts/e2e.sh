#!/usr/bin/env bash
# Starts the portal on the embedded default (fleet at demo-free speed), waits until it serves,
# runs the end-to-end tests in headless Chromium, and stops everything again.
source "$(dirname "$0")/env.sh"
set +e
cd "$REPO_ROOT"
result="${1:-$REPO_ROOT/.run/test-results/e2e.json}"
mkdir -p .run "$(dirname "$result")"
export LAYERING_SIM_SPEED="${LAYERING_SIM_SPEED:-5}"  # five times demo pace (higher is faster)
# The OpenShift password of `guest` on the embedded clusters: the portal start and the tests both need it.
export LAYERING_EMBEDDED_OAUTH_PASSWORD="${LAYERING_EMBEDDED_OAUTH_PASSWORD:-$(node -e 'console.log(require("crypto").randomBytes(18).toString("hex"))')}"
# The review loop (e2e/review-loop.e2e.test.ts): the backend answers GitHub API calls from a fake
# that writes its pull requests under this folder, and takes GitHub webhooks signed with this
# secret (scripts/start.sh adds app-config.e2e.yaml and the fake only when the folder is set).
export LAYERING_E2E_FORGE_DIR="$REPO_ROOT/.run/e2e-forge"
rm -rf "$LAYERING_E2E_FORGE_DIR"
export LAYERING_E2E_GITHUB_WEBHOOK_SECRET="${LAYERING_E2E_GITHUB_WEBHOOK_SECRET:-$(node -e 'console.log(require("crypto").randomBytes(24).toString("hex"))')}"
setsid bash scripts/start.sh > .run/e2e-portal.log 2>&1 &
portal=$!
stop_portal() { kill -TERM -- -"$portal" 2>/dev/null; sleep 2; kill -KILL -- -"$portal" 2>/dev/null; }
trap stop_portal EXIT
for i in $(seq 1 600); do
  grep -q 'Portal ready' .run/e2e-portal.log 2>/dev/null && break
  if ! kill -0 "$portal" 2>/dev/null; then break; fi
  sleep 1
done
if ! grep -q 'Portal ready' .run/e2e-portal.log; then
  echo "[e2e] the portal did not start; last lines of its log:" >&2
  tail -40 .run/e2e-portal.log >&2
fi
yarn jest --config e2e/jest.config.js --runInBand --json --outputFile="$result"
