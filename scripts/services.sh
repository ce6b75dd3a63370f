#!/usr/bin/env bash
# Makes sure the brokers the tests need are up on 127.0.0.1, installing them from the
# distribution's packages (Debian/Ubuntu) where missing. Safe to run repeatedly.
# Source it or run it: scripts/services.sh [redis] [redis-cluster] [rabbitmq] [nats] [kafka] [node] [chromium]  (no argument: all)
set -euo pipefail

log() { printf '[services] %s\n' "$*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && exec 3>&- 3<&-; }

wait_port() { # port seconds name
  local i
  for ((i = 0; i < $2 * 10; i++)); do port_open "$1" && return 0; sleep 0.1; done
  log "$3 did not open port $1 within $2 s"; return 1
}

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null; then SUDO="sudo"; fi
APT_UPDATED=""
apt_install() {
  command -v apt-get >/dev/null || { log "cannot install $* (no apt-get): install it and rerun"; return 1; }
  if [ -z "$APT_UPDATED" ]; then $SUDO apt-get update -qq >&2; APT_UPDATED=1; fi
  log "installing $* from the distribution's packages"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >&2
}

ensure_redis() {
  # the Redis outage tests start private redis-server processes: the binary is needed even when :6379 is up
  command -v redis-server >/dev/null || apt_install redis-server
  command -v openssl >/dev/null || apt_install openssl # the Redis TLS test makes a self-signed certificate
  port_open 6379 && return 0
  log "starting redis-server on 127.0.0.1:6379"
  mkdir -p /tmp/feathers4j-redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /tmp/feathers4j-redis --logfile /tmp/feathers4j-redis/redis.log
  wait_port 6379 20 redis
}

ensure_redis_cluster() {
  # the shared cluster of the cluster tests: 3 masters + 3 replicas on 127.0.0.1:7000-7005 (scripts/redis-cluster.sh)
  command -v redis-server >/dev/null || apt_install redis-server
  "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/redis-cluster.sh" start /tmp/feathers4j-redis-cluster 7000
}

ensure_rabbitmq() {
  # the AMQP outage tests start a private node: the package is needed even when :5672 is up
  [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || command -v rabbitmq-server >/dev/null || apt_install rabbitmq-server
  port_open 5672 && return 0
  log "starting rabbitmq-server on :5672"
  $SUDO rabbitmq-server -detached >&2 || true
  wait_port 5672 90 rabbitmq
  # the port opens before the app is fully up; wait for it
  for _ in $(seq 1 60); do $SUDO rabbitmqctl -q status >/dev/null 2>&1 && break; sleep 1; done
}

ensure_nats() {
  # the NATS outage tests start private servers: the binary is needed even when :4222 is up
  command -v nats-server >/dev/null || apt_install nats-server
  port_open 4222 && return 0
  local bin; bin=$(command -v nats-server)
  log "starting nats-server (JetStream) on 127.0.0.1:4222"
  mkdir -p /tmp/feathers4j-nats
  nohup "$bin" -a 127.0.0.1 -p 4222 -js -sd /tmp/feathers4j-nats -l /tmp/feathers4j-nats/nats.log >/dev/null 2>&1 &
  wait_port 4222 20 nats
}

ensure_kafka() {
  # no distribution package ships Kafka: scripts/kafka.sh fetches the broker's jars from Maven Central
  # once (the Kafka outage tests start private nodes from them, so they are needed even when :9092 is up)
  local here; here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  "$here/kafka.sh" libs >/dev/null
  port_open 9092 && return 0
  log "starting a Kafka node (KRaft) on 127.0.0.1:9092 (controller 9093)"
  "$here/kafka.sh" start /tmp/feathers4j-kafka 1 9092 9093 1@127.0.0.1:9093
}

ensure_node() {
  command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm
  local dir; dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/interop/node"
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    log "installing the Node peers of the interop tests (npm ci in interop/node)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
  fi
}

ensure_chromium() { # headless browser for the demo's end-to-end test (driven by playwright-core)
  command -v chromium >/dev/null && command -v chromedriver >/dev/null && return 0
  apt_install chromium chromium-driver
}

main() {
  local wanted=("$@")
  [ ${#wanted[@]} -gt 0 ] || wanted=(redis redis-cluster rabbitmq nats kafka node chromium)
  for s in "${wanted[@]}"; do "ensure_${s//-/_}"; done
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then main "$@"; fi
