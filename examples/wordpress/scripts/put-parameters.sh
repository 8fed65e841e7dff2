#!/usr/bin/env bash
# Writes the SSM parameters kubeship reads for one environment (kubeship.config.ts):
#   /wordpress/<env>/DB_HOST              String        the RDS endpoint
#   /wordpress/<env>/DB_USER              String        the RDS master user
#   /wordpress/<env>/DB_PASSWORD          SecureString  the RDS master password, encrypted with the
#                                                       stack's alias/wordpress-<env>-parameters key
#   /wordpress/<env>/MEMCACHED_ENDPOINT   String        the ElastiCache configuration endpoint
# from the outputs of the data stack (cfn/data.yaml) and the Secrets Manager secret RDS manages.
# CloudFormation cannot create SecureString parameters, hence this script.
#
# Idempotent: a parameter whose value and type are already right is left alone (no new version,
# so the next deploy does not restart pods for nothing). Run it again after RDS rotates the
# password, then redeploy. The password never appears in arguments, output or logs.
#
# usage: scripts/put-parameters.sh <test|prod> [--region <region>] [--stack <data stack>] [--prefix <ssm path>]
# (--prefix defaults to /wordpress/<env>; kubeship.config.ts reads that path)
# needs: aws (CLI v2 or v1), python3; credentials allowed to read the stack outputs and the secret,
# write /wordpress/<env>/* and encrypt with the parameters key.
set -euo pipefail

log() { echo "[put-parameters] $*" >&2; }
die() { log "error: $*"; exit 1; }
usage() { sed -n 's/^# usage: //p' "$0" >&2; }

environment=${1:-}
[[ "$environment" == test || "$environment" == prod ]] || { usage; die "the first argument must be test or prod"; }
shift
stack="wordpress-$environment-data"
prefix="/wordpress/$environment"
region=${AWS_REGION:-${AWS_DEFAULT_REGION:-}}
while [[ $# -gt 0 ]]; do
  case "$1" in
    --region) region=${2:?--region needs a value}; shift 2 ;;
    --stack) stack=${2:?--stack needs a value}; shift 2 ;;
    --prefix) prefix=${2:?--prefix needs a value}; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage; die "unknown argument $1" ;;
  esac
done
[[ "$prefix" =~ ^(/[A-Za-z0-9_.-]+)+$ ]] || die "--prefix must look like /wordpress/test"
command -v aws >/dev/null || die "the AWS CLI is not on PATH"
command -v python3 >/dev/null || die "python3 is not on PATH (it reads the secret's JSON)"

aws_cli() {
  if [[ -n "$region" ]]; then aws --region "$region" "$@"; else aws "$@"; fi
}

# The data stack's outputs, read once (key<TAB>value lines; bash 3 has no associative arrays).
outputs=""
read_outputs() {
  outputs=$(aws_cli cloudformation describe-stacks --stack-name "$stack" \
    --query 'Stacks[0].Outputs[].[OutputKey,OutputValue]' --output text) \
    || die "cannot read the outputs of stack $stack"
}
output() {
  local value
  value=$(awk -F '\t' -v key="$1" '$1 == key { print $2; exit }' <<<"$outputs")
  [[ -n "$value" && "$value" != None ]] || die "stack $stack has no output $1 (is it cfn/data.yaml, created?)"
  printf '%s' "$value"
}

# Writes a parameter unless it already holds this value with this type; the value goes through
# stdin, never the command line.
put() {
  local name=$1 type=$2 value=$3 current current_type current_value
  current=$(aws_cli ssm get-parameter --name "$name" --with-decryption \
    --query '[Parameter.Type,Parameter.Value]' --output text 2>/dev/null) || current=""
  current_type=${current%%$'\t'*}
  current_value=${current#*$'\t'}
  if [[ -n "$current" && "$current_type" == "$type" && "$current_value" == "$value" ]]; then
    log "unchanged $name ($type)"
    return
  fi
  local args=(ssm put-parameter --name "$name" --type "$type" --overwrite --value file:///dev/stdin)
  [[ "$type" == SecureString ]] && args+=(--key-id "$key_arn")
  printf '%s' "$value" | aws_cli "${args[@]}" --query Version --output text >/dev/null
  log "wrote $name ($type)"
}

log "reading the outputs of stack $stack${region:+ in $region}"
read_outputs
db_host=$(output DatabaseEndpoint)
db_user=$(output DatabaseUser)
secret_arn=$(output DatabaseSecretArn)
memcached=$(output MemcachedEndpoint)
key_arn=$(output ParametersKeyArn)

password=$(aws_cli secretsmanager get-secret-value --secret-id "$secret_arn" --query SecretString --output text |
  python3 -c 'import json, sys; sys.stdout.write(json.load(sys.stdin)["password"])') \
  || die "cannot read the password from the RDS-managed secret $secret_arn"
[[ -n "$password" ]] || die "the RDS-managed secret $secret_arn has an empty password"

put "$prefix/DB_HOST" String "$db_host"
put "$prefix/DB_USER" String "$db_user"
put "$prefix/DB_PASSWORD" SecureString "$password"
put "$prefix/MEMCACHED_ENDPOINT" String "$memcached"
log "done: $prefix/{DB_HOST,DB_USER,DB_PASSWORD,MEMCACHED_ENDPOINT}"
