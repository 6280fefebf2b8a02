#!/usr/bin/env bash
# Runs `cloudstate-tck` as the Action's inputs say, and exits with its exit code (0 green, 100
# conformance failures, 96 setup error, 64 bad arguments, 4 nothing ran). The Action sets one variable
# per input; anyone can, to run the same thing:
#
#   TCK_MODE               sdk (default) or proxy
#   TCK_SPAWN              the command that starts the target (an SDK's TCK model program, or a proxy)
#   TCK_TARGET             HOST:PORT of a target that is already running (instead of TCK_SPAWN)
#   TCK_EXPECTED_FAILURES  the expected-failures file (optional)
#   TCK_JUNIT, TCK_JSON, TCK_HTML  where to write the reports (optional each; empty writes none)
#   TCK_ARGS               more arguments, split on whitespace (optional), e.g. "--select event_sourced.*"
#   TCK_BIN                the command to run (default: cloudstate-tck on the path)
set -euo pipefail

mode=${TCK_MODE:-sdk}
case "$mode" in
  sdk | proxy) ;;
  *)
    echo "TCK_MODE must be sdk or proxy, not \`$mode\`" >&2
    exit 64
    ;;
esac
if [ -n "${TCK_SPAWN:-}" ] && [ -n "${TCK_TARGET:-}" ]; then
  echo "set one of TCK_SPAWN and TCK_TARGET (the inputs spawn and target), not both" >&2
  exit 64
fi
if [ -z "${TCK_SPAWN:-}" ] && [ -z "${TCK_TARGET:-}" ]; then
  echo "set TCK_SPAWN or TCK_TARGET (the inputs spawn or target): what the TCK should test" >&2
  exit 64
fi

args=("$mode")
if [ -n "${TCK_SPAWN:-}" ]; then args+=(--spawn "$TCK_SPAWN"); fi
if [ -n "${TCK_TARGET:-}" ]; then args+=(--target "$TCK_TARGET"); fi
if [ -n "${TCK_EXPECTED_FAILURES:-}" ]; then
  args+=(--expected-failures "$TCK_EXPECTED_FAILURES")
fi
for report in junit json html; do
  variable="TCK_${report^^}"
  path=${!variable:-}
  if [ -n "$path" ]; then
    mkdir -p "$(dirname "$path")"
    args+=("--$report" "$path")
  fi
done
if [ -n "${TCK_ARGS:-}" ]; then
  # Split on whitespace on purpose: globs in TCK_ARGS stay as they are, since the TCK matches them.
  set -f
  # shellcheck disable=SC2206
  args+=($TCK_ARGS)
  set +f
fi

tck=${TCK_BIN:-cloudstate-tck}
echo "+ $tck ${args[*]}"
exec "$tck" "${args[@]}"
