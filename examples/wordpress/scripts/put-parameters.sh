#!/usr/bin/env bash
# Writes the SSM parameters kubeship reads for one environment (kubeship.config.ts):
#   /wordpress/<env>/DB_HOST              String        the RDS endpoint
#   /wordpress/<env>/DB_USER              String        WordPress's own database user (wordpress_app),
#                                                       not the master user: scripts/db-user.sh creates it
#   /wordpress/<env>/DB_PASSWORD          SecureString  its password, generated here once
#   /wordpress/<env>/MEMCACHED_ENDPOINT   String        the ElastiCache configuration endpoint
#   /wordpress/<env>/INSTALL_KEY          SecureString  the key that opens WordPress's installer
#                                                       (build/install-guard.php), generated once
# The host and endpoint come from the outputs of the data stack (cfn/data.yaml); the SecureStrings
# are encrypted with its alias/wordpress-<env>-parameters key. CloudFormation cannot create
# SecureString parameters, hence this script.
#
# The RDS master password stays in the Secrets Manager secret RDS manages and rotates: WordPress
# never uses it, so its rotation cannot take the site down. WordPress's password changes only when
# you ask (--rotate-password); the next deploy sets it in the database (db-user.sh) and rolls
# the pods.
#
# Idempotent: a parameter whose value and type are already right is left alone (no new version,
# so the next deploy does not restart pods for nothing). No secret appears in arguments, output or
# logs.
#
# usage: scripts/put-parameters.sh <test|prod> [--region <region>] [--stack <data stack>] [--prefix <ssm path>] [--user <db user>] [--rotate-password]
# (--prefix defaults to /wordpress/<env>; kubeship.config.ts reads that path)
# needs: aws (CLI v2 or v1), python3; credentials allowed to read the stack outputs, write
# /wordpress/<env>/* and encrypt with the parameters key.
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
db_user=wordpress_app
rotate=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --region) region=${2:?--region needs a value}; shift 2 ;;
    --stack) stack=${2:?--stack needs a value}; shift 2 ;;
    --prefix) prefix=${2:?--prefix needs a value}; shift 2 ;;
    --user) db_user=${2:?--user needs a value}; shift 2 ;;
    --rotate-password) rotate=true; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage; die "unknown argument $1" ;;
  esac
done
[[ "$prefix" =~ ^(/[A-Za-z0-9_.-]+)+$ ]] || die "--prefix must look like /wordpress/test"
command -v aws >/dev/null || die "the AWS CLI is not on PATH"
command -v python3 >/dev/null || die "python3 is not on PATH (it generates the secrets)"

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

# The current value of a SecureString, or nothing when it does not exist yet.
current_secret() {
  aws_cli ssm get-parameter --name "$1" --with-decryption --query Parameter.Value --output text 2>/dev/null || true
}
# 32 random bytes, base64url: the alphabet db-user.sh and the SQL it writes accept.
generate() {
  python3 -c 'import secrets, sys; sys.stdout.write(secrets.token_urlsafe(32))'
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
memcached=$(output MemcachedEndpoint)
key_arn=$(output ParametersKeyArn)

password=$(current_secret "$prefix/DB_PASSWORD")
if [[ -z "$password" || "$rotate" == true ]]; then
  password=$(generate)
  log "generated a new password for $db_user (the next deploy sets it in the database and rolls the pods)"
fi
install_key=$(current_secret "$prefix/INSTALL_KEY")
[[ -n "$install_key" ]] || install_key=$(generate)

put "$prefix/DB_HOST" String "$db_host"
put "$prefix/DB_USER" String "$db_user"
put "$prefix/DB_PASSWORD" SecureString "$password"
put "$prefix/MEMCACHED_ENDPOINT" String "$memcached"
put "$prefix/INSTALL_KEY" SecureString "$install_key"
log "done: $prefix/{DB_HOST,DB_USER,DB_PASSWORD,MEMCACHED_ENDPOINT,INSTALL_KEY}"
