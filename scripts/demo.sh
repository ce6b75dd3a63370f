#!/usr/bin/env bash
# The demo: builds feathers4j and runs three application instances that sync their events.
# Until the chat demo lands this runs the ThreeInstances example (in-JVM bus by default);
# pass a broker URI to sync through it instead, e.g. scripts/demo.sh redis://127.0.0.1:6379
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp -DskipTests install -pl feathers4j-examples -am
exec ./mvnw -q -B -ntp -pl feathers4j-examples exec:java \
  -Dexec.mainClass=org.feathers4j.examples.ThreeInstances -Dexec.args="${1:-}"
