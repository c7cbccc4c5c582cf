#!/usr/bin/env bash
# Starts the portal on the embedded default: the embedded OpenShift fleet (four clusters), then the
# Backstage frontend and backend on localhost. Installs what is missing first. Ctrl-C stops all.
source "$(dirname "$0")/env.sh"
ensure_install
cd "$REPO_ROOT"
mkdir -p .run

# Bearer tokens for the embedded fleet, made fresh for each start; the backend reads them from the
# environment (app-config.yaml) and they never land in a file that is committed:
# - the admin token (kubectl through .run/portal/<cluster>.kubeconfig, tests' hooks);
# - the reader, service account rhcos-layering/layering-reader: watches and the Kubernetes plugin;
# - the writer, service account rhcos-layering/layering-writer: the layering actions' writes.
# The fleet authorizes the reader and writer by the RBAC of deploy/rbac/ only.
new_token() { node -e 'console.log(require("crypto").randomBytes(24).toString("hex"))'; }
export LAYERING_EMBEDDED_TOKEN="${LAYERING_EMBEDDED_TOKEN:-$(new_token)}"
export LAYERING_EMBEDDED_READER_TOKEN="${LAYERING_EMBEDDED_READER_TOKEN:-$(new_token)}"
export LAYERING_EMBEDDED_WRITER_TOKEN="${LAYERING_EMBEDDED_WRITER_TOKEN:-$(new_token)}"
# sno-419 takes direct changes only from people (writer authProvider: oidc): each cluster runs an
# OpenShift-style OAuth server with the OpenShift user `guest`, whose password is made here, and
# the portal's `openshift` auth provider is its OAuth client `backstage`.
export LAYERING_EMBEDDED_OAUTH_CLIENT_SECRET="${LAYERING_EMBEDDED_OAUTH_CLIENT_SECRET:-$(new_token)}"
export LAYERING_EMBEDDED_OAUTH_PASSWORD="${LAYERING_EMBEDDED_OAUTH_PASSWORD:-$(new_token)}"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

echo "[start] starting the embedded OpenShift fleet"
# LAYERING_SIM_SPEED: higher is faster (1 = demo pace, 10 = ten times faster, 0 = instant).
EMBEDDED_OPENSHIFT_RUN_DIR=.run/portal EMBEDDED_OPENSHIFT_TOKEN="$LAYERING_EMBEDDED_TOKEN" \
  EMBEDDED_OPENSHIFT_READER_TOKEN="$LAYERING_EMBEDDED_READER_TOKEN" \
  EMBEDDED_OPENSHIFT_WRITER_TOKEN="$LAYERING_EMBEDDED_WRITER_TOKEN" \
  EMBEDDED_OPENSHIFT_OAUTH_CLIENT_SECRET="$LAYERING_EMBEDDED_OAUTH_CLIENT_SECRET" \
  EMBEDDED_OPENSHIFT_OAUTH_USERS="guest:$LAYERING_EMBEDDED_OAUTH_PASSWORD" \
  yarn tsx packages/embedded-cluster/src/cli.ts --fleet --speed "${LAYERING_SIM_SPEED:-1}" \
   > .run/fleet.log 2>&1 &
pids+=($!)
for i in $(seq 1 120); do
  grep -q 'fleet ready' .run/fleet.log 2>/dev/null && break
  if ! kill -0 "${pids[0]}" 2>/dev/null; then echo "[start] the embedded fleet failed:"; cat .run/fleet.log; exit 1; fi
  sleep 0.5
done
sed -n '1,40p' .run/fleet.log
# Each embedded cluster serves TLS with a CA of its own, made at start; hand each CA to the backend
# (app-config.yaml reads LAYERING_EMBEDDED_CA_<CLUSTER>) so TLS is verified as with a real cluster.
for cluster in ocp-417 ocp-418 ocp-419 sno-419; do
  var="LAYERING_EMBEDDED_CA_$(echo "$cluster" | tr 'a-z-' 'A-Z_')"
  export "$var=$(awk '/certificate-authority-data:/ {print $2; exit}' ".run/portal/$cluster.kubeconfig")"
done

# End-to-end runs only (scripts/e2e.sh sets LAYERING_E2E_FORGE_DIR): the portal also reads
# app-config.e2e.yaml (webhook secret, no forge poll), and the backend process alone (`--require`
# applies to the backend package only) answers GitHub API calls from the fake GitHub of
# e2e/support/fakeForge.preload.ts.
dev_args=()
if [ -n "${LAYERING_E2E_FORGE_DIR:-}" ]; then
  dev_args=(--config "$REPO_ROOT/app-config.yaml" --config "$REPO_ROOT/app-config.e2e.yaml"
    "--require=$REPO_ROOT/e2e/support/fakeForge.preload.ts")
fi

echo "[start] starting Backstage (frontend http://localhost:3000, backend http://localhost:7007)"
BROWSER=none yarn dev "${dev_args[@]}" > >(tee .run/portal.log) 2>&1 &
pids+=($!)
for i in $(seq 1 600); do
  if curl -sf http://localhost:7007/.backstage/health/v1/readiness >/dev/null 2>&1 && curl -sf http://localhost:3000 >/dev/null 2>&1; then
    echo
    echo "Portal ready: http://localhost:3000  (sign in as guest; kubeconfigs of the embedded clusters: .run/portal/<cluster>.kubeconfig)"
    echo "Direct changes to sno-419 ask you to sign in to OpenShift: user guest, password $LAYERING_EMBEDDED_OAUTH_PASSWORD"
    break
  fi
  sleep 1
done
wait "${pids[1]}"
