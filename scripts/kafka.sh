#!/usr/bin/env bash
# A real Apache Kafka broker (KRaft: broker and controller in one process) on 127.0.0.1, for the
# tests and benchmarks, on a machine with only a JDK: the broker's jars come from Maven Central
# through the Maven wrapper (scripts/kafka/pom.xml, not a reactor module).
#
#   scripts/kafka.sh libs                      fetch the jars once; prints their directory
#   scripts/kafka.sh run DIR ID PORT CPORT VOTERS [key=value...]
#                                              format DIR (first time) and run the node in the
#                                              foreground (exec: the caller's pid is the broker's)
#   scripts/kafka.sh start DIR ID PORT CPORT VOTERS [key=value...]
#                                              the same in the background; waits for PORT; pid in DIR/kafka.pid
#   scripts/kafka.sh stop DIR                  stops the node started with start
#
# VOTERS is the KRaft quorum, e.g. 1@127.0.0.1:9093 (one node) or 1@127.0.0.1:19093,2@...,3@...;
# every node of a cluster needs the same list. key=value lines are added to (and override) the
# node's server.properties, e.g. advertised.listeners=... for a node reached through a proxy.
# Environment: KAFKA_HEAP (default -Xmx384m), KAFKA_JVM_OPTS (more JVM options),
# FEATHERS4J_KAFKA_LIBS (where the jars go; default ~/.cache/feathers4j/kafka-<version>/libs).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$ROOT/scripts/kafka/pom.xml")"
LIBS="${FEATHERS4J_KAFKA_LIBS:-$HOME/.cache/feathers4j/kafka-$KAFKA_VERSION/libs}"

log() { printf '[kafka] %s\n' "$*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && exec 3>&- 3<&-; }

libs() {
  if [ ! -f "$LIBS/.complete" ]; then
    log "fetching Kafka $KAFKA_VERSION (org.apache.kafka:kafka_2.13 and its dependencies) into $LIBS"
    rm -rf "$LIBS"
    mkdir -p "$LIBS"
    "$ROOT/mvnw" -B -q -f "$ROOT/scripts/kafka/pom.xml" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$LIBS" >&2
    touch "$LIBS/.complete"
  fi
  echo "$LIBS"
}

java_cmd() { if [ -n "${JAVA_HOME:-}" ]; then echo "$JAVA_HOME/bin/java"; else echo java; fi; }

write_config() { # dir id port cport voters [key=value...]
  local dir=$1 id=$2 port=$3 cport=$4 voters=$5; shift 5
  local n; n=$(awk -F, '{print NF}' <<<"$voters")
  local rf=$((n < 3 ? n : 3)) isr=$((n >= 3 ? 2 : 1))
  mkdir -p "$dir/data"
  {
    echo "process.roles=broker,controller"
    echo "node.id=$id"
    echo "controller.quorum.voters=$voters"
    echo "listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport"
    echo "advertised.listeners=PLAINTEXT://127.0.0.1:$port"
    echo "controller.listener.names=CONTROLLER"
    echo "inter.broker.listener.name=PLAINTEXT"
    echo "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
    echo "log.dirs=$dir/data"
    echo "num.partitions=1"
    echo "default.replication.factor=$rf"
    echo "offsets.topic.replication.factor=$rf"
    echo "offsets.topic.num.partitions=3"
    echo "transaction.state.log.replication.factor=$rf"
    echo "transaction.state.log.min.isr=$isr"
    echo "share.coordinator.state.topic.replication.factor=$rf"
    echo "share.coordinator.state.topic.min.isr=$isr"
    echo "min.insync.replicas=$isr"
    echo "group.initial.rebalance.delay.ms=0"
    # sync creates its topics itself (AdminClient); a typo in a topic name should not make one
    echo "auto.create.topics.enable=false"
    # a stopped node is noticed within seconds (tests stop nodes on purpose)
    echo "broker.session.timeout.ms=6000"
    echo "broker.heartbeat.interval.ms=1000"
    for kv in "$@"; do echo "$kv"; done
  } >"$dir/server.properties"
}

run() { # dir id port cport voters [key=value...]
  [ $# -ge 5 ] || { log "usage: kafka.sh run DIR ID PORT CPORT VOTERS [key=value...]"; exit 2; }
  local dir=$1 voters=$5 lib; lib=$(libs)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  shift; write_config "$dir" "$@"
  local java; java=$(java_cmd)
  local cp="$lib/*"
  local jvm=(${KAFKA_HEAP:--Xmx384m -Xms64m} ${KAFKA_JVM_OPTS:-} -XX:+UseSerialGC -Djava.awt.headless=true
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.showDateTime=true
    -Dorg.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer=info)
  if [ ! -f "$dir/data/meta.properties" ]; then
    # one cluster id per quorum, derived from the voters, so every node of a cluster formats alike
    local hex; hex=$(printf '%s' "feathers4j:$voters" | sha256sum | head -c 32)
    local cid; cid=$(printf "$(sed 's/../\\x&/g' <<<"$hex")" | base64 | tr '+/' '-_' | tr -d '=')
    "$java" "${jvm[@]}" -cp "$cp" kafka.tools.StorageTool format -t "$cid" -c "$dir/server.properties" --ignore-formatted \
      >"$dir/format.log" 2>&1 || { cat "$dir/format.log" >&2; exit 1; }
  fi
  exec "$java" "${jvm[@]}" -cp "$cp" kafka.Kafka "$dir/server.properties"
}

start() { # dir id port cport voters [key=value...]
  [ $# -ge 5 ] || { log "usage: kafka.sh start DIR ID PORT CPORT VOTERS [key=value...]"; exit 2; }
  local dir=$1 port=$3
  mkdir -p "$dir"
  libs >/dev/null
  nohup "$ROOT/scripts/kafka.sh" run "$@" >"$dir/kafka.log" 2>&1 &
  echo $! >"$dir/kafka.pid"
  local i
  for ((i = 0; i < 1200; i++)); do
    port_open "$port" && { log "node $2 up on 127.0.0.1:$port (log $dir/kafka.log)"; return 0; }
    kill -0 "$(cat "$dir/kafka.pid")" 2>/dev/null || { log "node $2 exited; see $dir/kafka.log"; tail -20 "$dir/kafka.log" >&2; return 1; }
    sleep 0.1
  done
  log "node $2 did not open port $port within 120 s; see $dir/kafka.log"; return 1
}

stop() { # dir
  local pid; pid=$(cat "$1/kafka.pid" 2>/dev/null) || return 0
  kill "$pid" 2>/dev/null || return 0
  local i
  for ((i = 0; i < 300; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

cmd=${1:-}; shift || true
case "$cmd" in
  libs) libs ;;
  run) run "$@" ;;
  start) start "$@" ;;
  stop) stop "$@" ;;
  *) log "usage: kafka.sh libs | run DIR ID PORT CPORT VOTERS [key=value...] | start ... | stop DIR"; exit 2 ;;
esac
