#!/usr/bin/env bash
# Runs action/run.sh as action.yml does (one TCK_* variable per input) with the cloudstate-tck given as
# $1, against the Python SDK of fixtures/sdks/python-cloudstate (set up by its run.sh): green with the
# expected-failures file and all three reports written; 100 without it; 64 for inputs that contradict.
set -euo pipefail
cd "$(dirname "$0")/.."

tck=${1:?the cloudstate-tck to run}
model="target/python-cloudstate-venv/bin/python -u fixtures/sdks/python-cloudstate/tck_model.py"
out=target/action-check
rm -rf "$out"

run() {
  local status=0
  env TCK_BIN="$tck" TCK_MODE=sdk TCK_SPAWN="$model" TCK_TARGET="" \
    TCK_JUNIT="$out/tck.xml" TCK_JSON="$out/tck.json" TCK_HTML="$out/tck.html" \
    TCK_ARGS="--seed 1 --timeout-ms 4000" "$@" \
    bash action/run.sh > "$out.log" 2>&1 || status=$?
  echo "$status"
}

expect() {
  local wanted=$1 got=$2 what=$3
  if [ "$got" != "$wanted" ]; then
    echo "action/run.sh, $what: exit $got, expected $wanted; its output:" >&2
    cat "$out.log" >&2
    exit 1
  fi
  echo "action/run.sh, $what: exit $got as expected"
}

mkdir -p "$out"
expect 0 "$(run TCK_EXPECTED_FAILURES=fixtures/expected-failures/python-cloudstate-0.1.1.txt)" \
  "with the expected failures"
for report in tck.xml tck.json tck.html; do
  test -s "$out/$report" || { echo "action/run.sh wrote no $report" >&2; exit 1; }
done
grep -q -- "--seed 1 --timeout-ms 4000" "$out.log" \
  || { echo "action/run.sh did not pass TCK_ARGS on" >&2; exit 1; }
expect 100 "$(run TCK_EXPECTED_FAILURES=)" "without the expected failures"
expect 64 "$(run TCK_TARGET=127.0.0.1:1)" "with both spawn and target"
expect 64 "$(run TCK_MODE=client)" "with an unknown mode"
