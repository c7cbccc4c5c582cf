#!/usr/bin/env bash
# Runs the project's benchmarks and prints their figures and ratios against the targets:
# the embedded cluster (load, list, watches) and the layering backend (fleet endpoint, memory,
# cold start, steady-state list calls). Not part of the tests: speed is measured here, never asserted.
source "$(dirname "$0")/env.sh"
ensure_install
cd "$REPO_ROOT"
status=0
echo "== embedded cluster"
yarn workspace @rhcos-layering/embedded-openshift bench || status=1
echo
echo "== layering backend"
yarn workspace @rhcos-layering/plugin-layering-backend bench || status=1
exit $status
