#!/usr/bin/env bash
# Sets up a Docker-compatible engine for the docker plugin's tests: rootful podman serving the
# Docker API on a unix socket, with two images built locally (no registry is reachable here).
#   .ci/container-engine.sh        install/configure/build/start (idempotent, fast when done);
#                                  the last line printed is DOCKER_HOST=unix://<state>/podman.sock
#   .ci/container-engine.sh stop   remove every container and stop the service
# State (containers.conf, socket, PID, log) lives in $ORDO_CONTAINER_ENGINE_DIR
# (default /tmp/ordo-container-engine).
set -euo pipefail

STATE="${ORDO_CONTAINER_ENGINE_DIR:-/tmp/ordo-container-engine}"
SOCK="$STATE/podman.sock"
PIDFILE="$STATE/podman.pid"
export CONTAINERS_CONF="$STATE/containers.conf"
mkdir -p "$STATE"

log() { echo "container-engine: $*" >&2; }

ping_ok() {
  curl -sf --max-time 2 --unix-socket "$SOCK" http://d/_ping >/dev/null 2>&1
}

if [ "${1:-}" = "stop" ]; then
  if command -v podman >/dev/null 2>&1; then podman rm -af -t 0 >/dev/null 2>&1 || true; fi
  if [ -f "$PIDFILE" ]; then
    pid="$(cat "$PIDFILE")"
    # only the process this script started (its PID file), never by name
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$PIDFILE"
  fi
  rm -f "$SOCK"
  log "stopped"
  exit 0
fi

# ---- packages (only when missing) ------------------------------------------------------------
missing=()
command -v podman >/dev/null 2>&1 || missing+=(podman)
[ -x /bin/busybox ] || missing+=(busybox-static)
command -v runc >/dev/null 2>&1 || missing+=(runc)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  [ "${ORDO_APT_UPDATED:-}" = "1" ] || apt-get update -qq >&2
  # runc without recommends: its recommends pull in a second container stack
  apt-get install -y -qq --no-install-recommends runc >&2
  apt-get install -y -qq podman busybox-static curl >&2
fi

# ---- containers.conf -------------------------------------------------------------------------
# runc: Debian's crun fails here ("cgroups in hybrid mode not supported"); ulimits: podman's
# defaults need CAP_SYS_RESOURCE, which this VM lacks, so use the hard limits we have.
nofile="$(ulimit -Hn)"
[ "$nofile" = "unlimited" ] && nofile=1048576
conf="[containers]
default_ulimits = [\"nofile=${nofile}:${nofile}\", \"nproc=32768:32768\"]

[engine]
runtime = \"runc\"
"
if [ ! -f "$CONTAINERS_CONF" ] || [ "$(cat "$CONTAINERS_CONF")" != "$(printf '%s' "$conf")" ]; then
  printf '%s' "$conf" >"$CONTAINERS_CONF"
fi

# ---- images ----------------------------------------------------------------------------------
busybox_rootfs() { # $1: folder to fill with busybox and one symlink per applet
  local root="$1"
  mkdir -p "$root/bin" "$root/usr/bin" "$root/sbin" "$root/usr/sbin" "$root/etc" "$root/tmp" "$root/root" "$root/proc" "$root/sys" "$root/dev"
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  local applet
  for applet in $(/bin/busybox --list); do
    [ -e "$root/bin/$applet" ] || ln -s /bin/busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
}

image_exists() { podman image exists "$1" 2>/dev/null; }

build_image() { # $1: name, $2: "node" to add the host's node
  local name="$1" with_node="${2:-}" tmp
  tmp="$(mktemp -d "$STATE/rootfs.XXXXXX")"
  busybox_rootfs "$tmp"
  if [ "$with_node" = "node" ]; then
    local node lib
    node="$(readlink -f "$(command -v node)")"
    # the same absolute path as on the host, so commands naming it work in the container
    mkdir -p "$tmp$(dirname "$node")"
    cp "$node" "$tmp$node"
    [ -e "$tmp/usr/bin/node" ] || cp "$node" "$tmp/usr/bin/node"
    # every shared library (and the loader) at the path ldd prints
    for lib in $(ldd "$node" | grep -o '/[^ ]*'); do
      mkdir -p "$tmp$(dirname "$lib")"
      cp -L "$lib" "$tmp$lib"
    done
  fi
  log "building $name"
  tar -C "$tmp" -c . | podman import --change 'ENV PATH=/usr/bin:/bin' - "$name" >/dev/null
  rm -rf "$tmp"
}

image_exists local/busybox:1 || build_image local/busybox:1
image_exists local/node:20 || build_image local/node:20 node

# ---- the Docker API service ------------------------------------------------------------------
if ! ping_ok; then
  rm -f "$SOCK"
  log "starting podman system service on $SOCK"
  rm -f "$PIDFILE"
  # its own session, so it outlives the shell (or CI step) that started it; the PID is written
  # from inside, as setsid may fork
  setsid sh -c 'echo $$ >"$1"; exec podman system service --time=0 "unix://$2"' sh "$PIDFILE" "$SOCK" >"$STATE/service.log" 2>&1 </dev/null &
  for _ in $(seq 1 100); do ping_ok && break; sleep 0.1; done
  if ! ping_ok; then
    log "the service did not answer on $SOCK; see $STATE/service.log"
    exit 1
  fi
fi

echo "DOCKER_HOST=unix://$SOCK"
