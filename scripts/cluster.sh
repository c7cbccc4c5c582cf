#!/usr/bin/env bash
# Start an embedded OpenShift cluster (or the four-cluster fleet) for demos and manual testing.
#   npm run cluster -- --state DIR [--port N] [--kubeconfig FILE] [--speed X] [--data DIR]
#   npm run cluster -- --fleet
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
ensure_install
cd "$REPO_ROOT"
exec node "$REPO_ROOT/node_modules/.bin/tsx" "$REPO_ROOT/packages/embedded-cluster/src/cli.ts" "$@"
