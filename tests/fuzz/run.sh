#!/usr/bin/env bash
# Runs every libFuzzer target of a BAKEVIEW_FUZZ=ON build for SECONDS each:
#   tests/fuzz/run.sh BUILD_DIR SECONDS
# Each target starts from a copy of its committed corpus (tests/fuzz/corpus/<target>, which a run
# never changes) and its regression inputs, in a temporary folder. Per target it prints the
# executions (libFuzzer's stat::number_of_executed_units) and the coverage (cov/ft of the last
# status line); a target fails if libFuzzer reports a crash, leak, UB, timeout or out-of-memory,
# and then the artifact and the command that reproduces it are printed (the temporary folder is
# kept). The last line is "N passed, M failed", one count per target.
set -uo pipefail
if [ $# -ne 2 ]; then
  echo "usage: tests/fuzz/run.sh BUILD_DIR SECONDS" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd) || exit 2
seconds=$2
targets=(fuzz_render fuzz_pack fuzz_sheet fuzz_png_json)
work=$(mktemp -d "${TMPDIR:-/tmp}/bakeview-fuzz-run.XXXXXX")

export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

passed=0 failed=0
for t in "${targets[@]}"; do
  bin=$build/tests/fuzz/$t
  if [ ! -x "$bin" ]; then
    echo "$t: FAILED: $bin is missing (configure with CC=clang -DBAKEVIEW_FUZZ=ON and build)"
    failed=$((failed + 1))
    continue
  fi
  corpus=$work/$t/corpus artifacts=$work/$t/artifacts log=$work/$t/log
  mkdir -p "$corpus" "$artifacts" "$work/$t/tmp"
  cp "$here/corpus/$t/"* "$corpus/" 2>/dev/null
  cp "$here/regressions/$t/"* "$corpus/" 2>/dev/null
  # -max_len: the decoders read up to a few KiB; -timeout: one input may take at most 10 s
  TMPDIR=$work/$t/tmp "$bin" -max_total_time="$seconds" -print_final_stats=1 -max_len=4096 -timeout=10 \
    -rss_limit_mb=2048 -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1
  rc=$?
  execs=$(grep -oE "stat::number_of_executed_units: *[0-9]+" "$log" | grep -oE "[0-9]+$" | tail -n 1)
  status_line=$(grep -E "cov: [0-9]+" "$log" | tail -n 1)
  cov=$(grep -oE "cov: [0-9]+" <<<"$status_line" | grep -oE "[0-9]+")
  ft=$(grep -oE "ft: [0-9]+" <<<"$status_line" | grep -oE "[0-9]+")
  artifact=$(find "$artifacts" -type f | head -n 1)
  if [ "$rc" -eq 0 ] && [ -z "$artifact" ]; then
    echo "$t: ok, ${execs:-?} executions in ${seconds} s, cov ${cov:-?}, ft ${ft:-?}"
    passed=$((passed + 1))
  else
    echo "$t: FAILED (exit $rc), ${execs:-?} executions, cov ${cov:-?}, ft ${ft:-?}"
    grep -E "ERROR: |runtime error|FZ_CHECK|SUMMARY|^    #[0-9] " "$log" | head -n 20 | sed 's/^/    /'
    if [ -n "$artifact" ]; then
      echo "    artifact: $artifact"
      echo "    reproduce: $bin $artifact"
      echo "    keep it: cp $artifact $here/regressions/$t/"
    fi
    echo "    log: $log"
    failed=$((failed + 1))
  fi
done
if [ "$failed" -eq 0 ]; then rm -rf "$work"; else echo "(kept $work)"; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
