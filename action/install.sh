#!/usr/bin/env bash
# Installs the `cloudstate-tck` command from its Python package into a virtual environment of its own,
# and puts it on the path of the later steps of a GitHub Actions job (through GITHUB_PATH, when set).
# The Action runs it; anyone can, with the same environment:
#
#   TCK_VERSION     the package version to install (required), e.g. 0.1.0
#   TCK_HOME        the virtual environment (default: ~/.cache/cloudstate-tck/VERSION); a home that
#                   already holds the command is used as it is, which is what the Action caches
#   TCK_FIND_LINKS  a folder of wheels to install from instead of the package index (optional)
#   PYTHON          the interpreter for the virtual environment (default: python3)
set -euo pipefail

version=${TCK_VERSION:?set TCK_VERSION to the cloudstate-tck version to install}
home=${TCK_HOME:-$HOME/.cache/cloudstate-tck/$version}

if [ -x "$home/bin/cloudstate-tck" ]; then
  echo "cloudstate-tck $version is already installed in $home"
else
  echo "installing cloudstate-tck $version into $home"
  "${PYTHON:-python3}" -m venv "$home"
  from=()
  if [ -n "${TCK_FIND_LINKS:-}" ]; then
    from=(--no-index --find-links "$TCK_FIND_LINKS")
  fi
  "$home/bin/python" -m pip install --quiet --disable-pip-version-check "${from[@]}" \
    "cloudstate-tck==$version"
fi

"$home/bin/cloudstate-tck" --version
if [ -n "${GITHUB_PATH:-}" ]; then
  echo "$home/bin" >> "$GITHUB_PATH"
fi
