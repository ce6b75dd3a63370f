#!/usr/bin/env bash
# feathers4j benchmarks, one command (see benchmarks/README.md):
#   scripts/bench.sh [--quick] [options]   cross-process runs of every configuration; writes
#                                          benchmarks/results/latest.md and latest.png
#   scripts/bench.sh jmh [JMH options]     the JMH micro-benchmarks of the sync hot path
#   scripts/bench.sh --help                the options
# Starts the brokers and installs the Node peers where missing (scripts/services.sh), builds the
# benchmarks module and what it needs, then runs. Every instance process it starts is ended when
# it ends (also on Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  --help|-h) ;;
  jmh) ;;
  *) scripts/services.sh redis rabbitmq nats kafka node ;;
esac
./mvnw -q -B -ntp -pl benchmarks -am package -DskipTests
# feathers-sync's NATS adapter opens a connection per event, all at once during a burst
ulimit -n 65536 2>/dev/null || true
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
# jars to measure that are not part of this build (e.g. an adapter module still on its branch), first
if [ -n "${FEATHERS4J_BENCH_EXTRA_CP:-}" ]; then CP="$FEATHERS4J_BENCH_EXTRA_CP:$CP"; fi
if [ "${1:-}" = "jmh" ]; then
  shift
  exec java -cp "$CP" org.openjdk.jmh.Main "$@"
fi
exec java -Xmx512m -cp "$CP" -Dfeathers4j.bench.root="$PWD" org.feathers4j.benchmarks.Bench "$@"
