#!/usr/bin/env bash
# Runs the project's benchmarks and prints their figures and ratios against the targets:
# the embedded cluster (load, list, watches) and the layering backend (fleet endpoint, memory,
# cold start, steady-state list calls). Not part of the tests: speed is measured here, never asserted.
source "$(dirname "$0")/env.sh"
ensure_install
cd "$REPO_ROOT"
# The replica benchmark holds up to about 11,000 sockets in one process at its default size (1,020
# clusters, a proxy per cluster, seven watches per cluster): raise the soft limit to the hard one.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); open files limit: $(ulimit -n)"
status=0
echo "== embedded cluster"
yarn workspace @rhcos-layering/embedded-openshift bench || status=1
echo
echo "== layering backend"
yarn workspace @rhcos-layering/plugin-layering-backend bench || status=1
exit $status
