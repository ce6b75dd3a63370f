#!/usr/bin/env bash
# The whole test suite: starts the brokers the tests need (installing them where missing),
# installs the Node peers of the interop tests, builds and tests every module (./mvnw install puts the
# artifacts in the local Maven repository), then builds consumer-test/ against those artifacts the
# way a user's project does: Redis, RabbitMQ + NATS, and Spring Boot's BOM beside ours.
# Extra arguments go to the main Maven run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/services.sh
./mvnw -B -ntp install "$@"
for profile in redis amqp-nats kafka-cluster spring-boot; do
  echo "== consumer build: $profile"
  ./mvnw -B -ntp -f consumer-test/pom.xml verify -P "$profile"
done
echo "== consumer build: spring-boot-starter-parent"
./mvnw -B -ntp -f consumer-test/boot-parent/pom.xml verify
