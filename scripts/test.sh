#!/usr/bin/env bash
# The whole test suite: starts the brokers the tests need (installing them where missing),
# installs the Node peers of the interop tests, then runs Maven.  Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/services.sh
exec ./mvnw -B -ntp verify "$@"
