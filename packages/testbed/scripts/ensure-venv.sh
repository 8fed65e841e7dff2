#!/usr/bin/env bash
# Creates, once per machine, the Python virtualenv that runs the testbed's fake AWS
# (moto, see ../moto/launch.py) and the reference AWS CLI v1, and prints its directory.
#   <venv>/bin/python   runs ../moto/launch.py
#   <venv>/bin/aws      AWS CLI v1
# The venv lives in ${KUBESHIP_CACHE:-~/.cache/kubeship}/venv-<key>, <key> being the first 12 hex
# chars of the sha256 of ../moto/requirements.txt, so changing a pin builds a new one.
# KUBESHIP_PYTHON_VENV=<dir> skips all this and uses that venv as it is.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
exec bash "$here/../../scripts/python-venv.sh" "$here/moto/requirements.txt" venv KUBESHIP_PYTHON_VENV bin/python \
  'moto and awscli' '"$VENV/bin/python" -c "import moto.server, boto3, awscli"'
