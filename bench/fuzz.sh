#!/usr/bin/env bash
# Coverage-guided fuzzing (issue 15) with cargo-fuzz (libFuzzer), on the machine's stable
# toolchain: RUSTC_BOOTSTRAP=1 lets it take the flags cargo-fuzz passes, and `-s none`
# leaves out the sanitizer (an instrumented standard library would need nightly). A crash,
# a panic or a failed assertion (the console target asserts no 5xx) stops the run and
# leaves the input in fuzz/artifacts/TARGET/.
#
# Usage: bench/fuzz.sh [SECONDS] [TARGET...]   (default: 600 s each, every target, two at a time)
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${1:-600}"
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(form sigv4 policy certificate console reader)
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
RUSTC_BOOTSTRAP=1 cargo fuzz build -s none
run() {
  local t="$1" log
  log=$(mktemp)
  if RUSTC_BOOTSTRAP=1 cargo fuzz run -s none "$t" -- -max_total_time="$seconds" -rss_limit_mb=2048 >"$log" 2>&1; then
    echo "$t: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$log" | tail -1), 0 crashes"
  else
    tail -30 "$log"
    echo "$t: FAILED (see fuzz/artifacts/$t/)"
    return 1
  fi
}
failed=0
for ((i = 0; i < ${#targets[@]}; i += 2)); do
  run "${targets[i]}" & a=$!
  b=""
  if ((i + 1 < ${#targets[@]})); then run "${targets[i + 1]}" & b=$!; fi
  wait "$a" || failed=1
  [[ -z "$b" ]] || wait "$b" || failed=1
done
exit "$failed"
