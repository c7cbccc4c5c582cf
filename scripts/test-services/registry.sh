#!/usr/bin/env bash
# A throw-away OCI registry for tests: Debian's docker-registry (CNCF distribution) with htpasswd
# (basic) authentication on a free loopback port, plus skopeo to push images into it.
#   registry.sh install      -> installs docker-registry, skopeo and htpasswd when missing;
#                               exit 3 when apt-get cannot install them
#   registry.sh start DIR    -> starts a registry with its storage and config in DIR and prints
#                               "PORT USERNAME PASSWORD" once /v2/ answers
#   registry.sh stop DIR     -> stops it (the data stays in DIR; the caller removes DIR)
# The password is random per start and only written to DIR (mode 600) and stdout.
set -euo pipefail
cmd="${1:?install|start|stop}"

registry_bin() {
  command -v docker-registry 2>/dev/null || { [ -x /usr/bin/docker-registry ] && echo /usr/bin/docker-registry; } || true
}

install_packages() {
  local need=()
  [ -n "$(registry_bin)" ] || need+=(docker-registry)
  command -v skopeo >/dev/null 2>&1 || need+=(skopeo)
  command -v htpasswd >/dev/null 2>&1 || need+=(apache2-utils)
  [ ${#need[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "[registry] cannot install ${need[*]}: needs root and apt-get" >&2
    return 3
  fi
  echo "[registry] apt-get install ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get update -qq >&2 || ! apt-get install -y -qq --no-install-recommends "${need[@]}" >&2; then
    echo "[registry] apt-get could not install ${need[*]}" >&2
    return 3
  fi
}

case "$cmd" in
  install)
    install_packages
    ;;
  start)
    dir="${2:?registry directory}"
    install_packages
    bin="$(registry_bin)"
    mkdir -p "$dir/data"
    chmod 700 "$dir"
    port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
    username="layering-test"
    password="$(node -e 'console.log(require("crypto").randomBytes(16).toString("hex"))')"
    secret="$(node -e 'console.log(require("crypto").randomBytes(16).toString("hex"))')"
    # distribution only accepts bcrypt entries.
    htpasswd -Bbn "$username" "$password" > "$dir/htpasswd" 2>/dev/null
    chmod 600 "$dir/htpasswd"
    cat > "$dir/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
  secret: $secret
auth:
  htpasswd:
    realm: layering-test
    path: $dir/htpasswd
EOF
    chmod 600 "$dir/config.yml"
    nohup "$bin" serve "$dir/config.yml" > "$dir/registry.log" 2>&1 &
    echo $! > "$dir/registry.pid"
    for _ in $(seq 1 100); do
      # 401 means up (the registry asks for credentials).
      code="$(node -e 'fetch(process.argv[1]).then(r=>console.log(r.status),()=>console.log(0))' "http://127.0.0.1:$port/v2/")"
      if [ "$code" = "401" ] || [ "$code" = "200" ]; then
        echo "$port $username $password"
        exit 0
      fi
      if ! kill -0 "$(cat "$dir/registry.pid")" 2>/dev/null; then break; fi
      sleep 0.1
    done
    echo "[registry] did not start; log:" >&2
    cat "$dir/registry.log" >&2 || true
    kill "$(cat "$dir/registry.pid")" 2>/dev/null || true
    exit 1
    ;;
  stop)
    dir="${2:?registry directory}"
    if [ -f "$dir/registry.pid" ]; then
      pid="$(cat "$dir/registry.pid")"
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
      rm -f "$dir/registry.pid"
    fi
    ;;
  *)
    echo "usage: registry.sh install | start DIR | stop DIR" >&2
    exit 2
    ;;
esac
