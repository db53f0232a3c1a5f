#!/usr/bin/env bash
# Hostile input for minutes (issue 15): runs the property tests that feed random and
# mutated input to the parsers and to the whole application (crates/iam/tests/hostile_input.rs,
# crates/server/tests/hostile_input.rs) again and again, in release, for SECONDS each
# (default 600), with fresh random seeds every round; any panic or 5xx fails the run.
# Prints the cases run per test binary. Record the figures in RELIABILITY.md.
#
# Usage: bench/hostile_input.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
for target in "credreport-iam hostile_input" "credreport-server hostile_input"; do
  read -r package test <<<"$target"
  cargo test --release -p "$package" --test "$test" --no-run >/dev/null 2>&1
  start=$(date +%s)
  rounds=0
  while (($(date +%s) - start < seconds)); do
    PROPTEST_CASES=2000 cargo test --release -q -p "$package" --test "$test" >/tmp/credreport-hostile.log 2>&1 || {
      cat /tmp/credreport-hostile.log
      echo "FAIL: $package $test (round $rounds)" >&2
      exit 1
    }
    rounds=$((rounds + 1))
  done
  echo "$package/$test: $rounds rounds of 2,000 cases per property in $(($(date +%s) - start)) s, 0 failures"
done
