#!/usr/bin/env bash
# Creates, once per machine, one of the project's cached Python virtualenvs and prints its
# directory on stdout (logs on stderr). Called by packages/testbed/scripts/ensure-venv.sh and
# examples/tools/ensure-tools.sh as:
#   python-venv.sh REQUIREMENTS PREFIX OVERRIDE_VAR PROBE PURPOSE CHECK
#     REQUIREMENTS  pinned requirements file; its sha256 keys the venv (<cache>/<PREFIX>-<key>)
#     OVERRIDE_VAR  env var that points at a ready venv instead (it must have PROBE)
#     PURPOSE       what needs the venv, for error messages
#     CHECK         bash command that fails when an installed venv does not work ($VENV is set)
# A venv is used only once its .complete marker exists (written last); one without it is the
# leftover of an interrupted install and is rebuilt.
set -euo pipefail
[[ $# -eq 6 ]] || { echo "usage: $0 REQUIREMENTS PREFIX OVERRIDE_VAR PROBE PURPOSE CHECK" >&2; exit 2; }
venv_requirements=$1 venv_prefix=$2 venv_override_var=$3 venv_probe=$4 venv_purpose=$5 venv_check=$6
log() { echo "[$venv_prefix] $*" >&2; }
die() { log "error: $*"; exit 1; }

override=${!venv_override_var:-}
if [[ -n "$override" ]]; then
  [[ -e "$override/$venv_probe" ]] || die "$venv_override_var=$override has no $venv_probe"
  echo "$override"
  exit 0
fi

command -v python3 >/dev/null \
  || die "python3 not found on PATH; $venv_purpose need Python >= 3.10 with the venv module (Debian: apt-get install python3 python3-venv), or set $venv_override_var to a ready venv"
[[ -f "$venv_requirements" ]] || die "missing $venv_requirements"

sha256() {
  if command -v sha256sum >/dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi
}
key=$(sha256 "$venv_requirements" | cut -c1-12)
cache=${KUBESHIP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeship}
venv="$cache/$venv_prefix-$key"
marker="$venv/.complete"

# A complete venv whose interpreter still runs (a system Python upgrade can break its symlink).
ready() { [[ -f "$marker" ]] && "$venv/bin/python" -c '' 2>/dev/null; }

if ready; then
  echo "$venv"
  exit 0
fi

mkdir -p "$cache"
# Serialise concurrent first runs (parallel test workers) where flock exists; the loser waits
# and then finds the venv ready.
if command -v flock >/dev/null; then
  exec 9>"$cache/$venv_prefix-$key.lock"
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
  || die "$(command -v python3) is Python $(python3 -c 'import platform; print(platform.python_version())'); $venv_purpose need >= 3.10"
start=$SECONDS
log "creating $venv (first run on this machine; takes about a minute)"
python3 -m venv "$venv" >&2 \
  || { rm -rf "$venv"; die "python3 -m venv failed; on Debian/Ubuntu install python3-venv"; }
"$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$venv_requirements" >&2 \
  || { rm -rf "$venv"; die "pip install -r $venv_requirements failed"; }
VENV=$venv bash -c "$venv_check" >&2 || { rm -rf "$venv"; die "venv $venv was installed but does not work (see above)"; }
python3 --version >"$marker" 2>&1
log "venv ready in $((SECONDS - start))s"
echo "$venv"
