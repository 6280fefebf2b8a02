#!/usr/bin/env bash
# Measures the speed figures of the README's Performance section on this machine, from a release build:
# the self-test (at the default --jobs and at --jobs 1), the SDK suite against the built-in model over
# --spawn (and against a model that never ends its streams), both fault matrices together, and the size
# of the reports of a green full SDK run. Each time is the median of RUNS runs (default 3). Prints a
# Markdown table.
#
#   bash tck/probes/speed.sh            # from anywhere in the repository
#   RUNS=5 bash tck/probes/speed.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

runs=${RUNS:-3}
tck=target/release/cloudstate-tck
faulty_proxy=target/proxy-faults/release/reference-proxy
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

cargo build --quiet --release -p cloudstate-tck -p reference-proxy
cargo build --quiet --release -p reference-proxy --features faults --target-dir target/proxy-faults

# Prints the wall time of one run of the command in milliseconds; fails when the command fails.
wall_ms() {
  local start end
  start=$(date +%s%N)
  "$@" > "$scratch/last.txt" 2>&1 || { echo "failed: $*" >&2; tail -20 "$scratch/last.txt" >&2; return 1; }
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}

# Prints the median wall time of RUNS runs of the command, in seconds, and each run's.
median_s() {
  local times=() t
  for _ in $(seq "$runs"); do
    t=$(wall_ms "$@")
    times+=("$t")
  done
  python3 - "${times[@]}" <<'PY'
import statistics, sys
times = sorted(int(t) for t in sys.argv[1:])
print(f"{statistics.median(times) / 1000:.2f} s (runs: {', '.join(f'{t / 1000:.2f}' for t in times)})")
PY
}

size_kb() { python3 -c "import os, sys; print(f'{os.path.getsize(sys.argv[1]) / 1024:.0f} KiB')" "$1"; }

selftest=$(median_s "$tck" selftest --json "$scratch/selftest.json")
selftest_cases=$(python3 -c "import json, sys; print(len(json.load(open(sys.argv[1]))['cases']))" "$scratch/selftest.json")
selftest_one=$(median_s "$tck" selftest --jobs 1)
sdk=$(median_s "$tck" sdk --spawn "$tck serve-model" --json "$scratch/sdk.json" --html "$scratch/sdk.html" --junit "$scratch/sdk.xml")
sdk_cases=$(python3 -c "import json, sys; print(len(json.load(open(sys.argv[1]))['cases']))" "$scratch/sdk.json")
# A user function that never ends its streams: the run exits 100, which is what it must do.
never_closes=$(median_s sh -c "$tck sdk --spawn '$tck serve-model --fault never-closes-streams'; test \$? -eq 100")
matrices=$(median_s "$tck" faults --proxy-command "$faulty_proxy" --json "$scratch/faults.json" --markdown "$scratch/faults.md")

echo
echo "| measured ($(nproc) CPUs, release build, median of $runs) | result |"
echo "|---|---|"
echo "| \`selftest\` ($selftest_cases cases, default --jobs) | $selftest |"
echo "| \`selftest --jobs 1\` | $selftest_one |"
echo "| \`sdk --spawn 'cloudstate-tck serve-model'\` ($sdk_cases cases) | $sdk |"
echo "| the same against \`serve-model --fault never-closes-streams\` | $never_closes |"
echo "| \`faults\`: both matrices | $matrices |"
echo "| reports of that SDK run: HTML / JSON / JUnit | $(size_kb "$scratch/sdk.html") / $(size_kb "$scratch/sdk.json") / $(size_kb "$scratch/sdk.xml") |"
