#!/usr/bin/env bash
# The demo: builds feathers4j and starts a chat on three instances (ports 3031-3033) that sync
# their events through an embedded Redis, and prints their URLs; Ctrl-C stops everything.
# Needs only a JDK 17 (the Maven Wrapper fetches Maven, the build fetches the rest).
#   scripts/demo.sh [--ports 3031,3032,3033] [--sync redis://...|amqp://...|nats://...|mongodb://...] [--help]
set -euo pipefail
cd "$(dirname "$0")/.."
echo "Building the demo (the first build downloads dependencies and takes a while)..." >&2
./mvnw -q -B -ntp -pl feathers4j-demo -am -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -cp "feathers4j-demo/target/classes:$(cat feathers4j-demo/target/classpath.txt)" \
  org.feathers4j.demo.ChatDemo "$@"
