#!/usr/bin/env bash
# A local Redis Cluster of 3 masters + 3 replicas from the distribution's redis-server, on 127.0.0.1 only.
#   scripts/redis-cluster.sh start <dir> <base-port>   ports base..base+5; idempotent: a formed cluster is left as is
#   scripts/redis-cluster.sh stop  <dir> <base-port>   kills the six servers (by the pid files in <dir>) and removes <dir>
# Used by scripts/services.sh (the shared cluster on 7000-7005) and by the cluster failover/resharding tests
# (private clusters on free ports). Nothing is persisted (--save "" --appendonly no).
set -euo pipefail

cmd=${1:?usage: redis-cluster.sh start|stop <dir> <base-port>}
dir=${2:?dir}
base=${3:?base port}
ports=()
for i in 0 1 2 3 4 5; do ports+=($((base + i))); done

log() { printf '[redis-cluster] %s\n' "$*" >&2; }

cluster_ok() { redis-cli -h 127.0.0.1 -p "$1" cluster info 2>/dev/null | grep -q '^cluster_state:ok'; }

# three replicas known and each in sync with its master (a failover test needs a replica to promote)
replicas_ok() {
  [ "$(redis-cli -h 127.0.0.1 -p "$base" cluster nodes 2>/dev/null | grep -c ' slave ')" = 3 ] || return 1
  local p synced=0
  for p in "${ports[@]}"; do
    redis-cli -h 127.0.0.1 -p "$p" info replication 2>/dev/null | grep -q '^master_link_status:up' && synced=$((synced + 1))
  done
  [ $synced = 3 ]
}

start() {
  command -v redis-server >/dev/null || { log "redis-server is not installed"; exit 1; }
  local all_up=1 p
  for p in "${ports[@]}"; do redis-cli -h 127.0.0.1 -p "$p" ping >/dev/null 2>&1 || all_up=0; done
  if [ $all_up = 1 ] && cluster_ok "$base" && replicas_ok; then return 0; fi
  for p in "${ports[@]}"; do
    if redis-cli -h 127.0.0.1 -p "$p" ping >/dev/null 2>&1; then continue; fi
    rm -rf "${dir:?}/$p"; mkdir -p "$dir/$p"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$p" --cluster-enabled yes \
      --cluster-config-file "$dir/$p/nodes.conf" --cluster-node-timeout 2000 \
      --save "" --appendonly no --dir "$dir/$p" --logfile "$dir/$p/redis.log" --pidfile "$dir/$p/redis.pid"
  done
  local i
  for p in "${ports[@]}"; do
    for ((i = 0; i < 300; i++)); do redis-cli -h 127.0.0.1 -p "$p" ping >/dev/null 2>&1 && break; sleep 0.1; done
  done
  if ! cluster_ok "$base"; then
    local known; known=$(redis-cli -h 127.0.0.1 -p "$base" cluster info | sed -n 's/^cluster_known_nodes:\([0-9]*\).*/\1/p')
    if [ "${known:-1}" -le 1 ]; then
      local hosts=(); for p in "${ports[@]}"; do hosts+=("127.0.0.1:$p"); done
      log "creating the cluster on ${hosts[*]}"
      redis-cli --cluster create "${hosts[@]}" --cluster-replicas 1 --cluster-yes >"$dir/create.log" 2>&1 \
        || { cat "$dir/create.log" >&2; exit 1; }
    fi
  fi
  for ((i = 0; i < 900; i++)); do # 90 s: on a loaded machine the cluster bus is slow to agree
    local ok=1; for p in "${ports[@]}"; do cluster_ok "$p" || ok=0; done
    replicas_ok || ok=0
    [ $ok = 1 ] && return 0; sleep 0.1
  done
  log "cluster on $base.. did not reach cluster_state:ok with 3 synced replicas within 90 s"; exit 1
}

stop() {
  local p pid
  for p in "${ports[@]}"; do
    pid=$(cat "$dir/$p/redis.pid" 2>/dev/null || true)
    # only a redis-server started from this directory (the pid file could be stale)
    if [ -n "$pid" ] && grep -q redis-server "/proc/$pid/cmdline" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
  done
  rm -rf "${dir:?}"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: redis-cluster.sh start|stop <dir> <base-port>" >&2; exit 2 ;;
esac
