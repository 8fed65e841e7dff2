#!/usr/bin/env bash
# Makes sure WordPress's own database user exists, with the password SSM holds for it:
#   /wordpress/<env>/DB_HOST       String        host[:port] of the RDS instance
#   /wordpress/<env>/DB_USER       String        WordPress's user (put-parameters.sh: wordpress_app)
#   /wordpress/<env>/DB_PASSWORD   SecureString  its password (put-parameters.sh generates it)
# and that the user may do everything in the WordPress database and nothing elsewhere.
#
# It connects as the RDS master user, whose password it reads from the Secrets Manager secret that
# RDS manages and rotates (--secret-arn). WordPress never sees the master password, so the master's
# rotation every 7 days changes nothing for the site. The connection is TLS with the server
# certificate verified against the RDS CA bundle (--ca-bundle) and the host name.
#
# Idempotent: when WordPress's user can already log in with the password from SSM, nothing is
# changed. After `put-parameters.sh <env> --rotate-password`, the password is changed; on MySQL
# with RETAIN CURRENT PASSWORD, so the pods that still have the old one keep working until the
# deploy that follows has rolled them. No password is ever on a command line or in the output.
#
# The deploy buildspec runs it before every deploy; you can run it from anywhere that reaches the
# database (the deploy projects do: they run in the cluster's VPC).
#
# The SQL goes through PHP's mysqlnd (scripts/mysql-query.php), not the mariadb or mysql command-line
# client: RDS MySQL 8.4 users authenticate with caching_sha2_password, which mysqlnd documents and
# supports (PHP >= 7.4.4), whereas the MariaDB client of Amazon Linux (mariadb105) needs a client
# plugin the distribution may not ship. The same mysqlnd is what WordPress connects with.
#
# usage: scripts/db-user.sh <test|prod> --secret-arn <arn> --ca-bundle <pem> [--region <region>] [--prefix <ssm path>] [--database <name>]
# needs: aws, python3, and php (>= 8.1) with the mysqli extension (mysqlnd)
set -euo pipefail

log() { echo "[db-user] $*" >&2; }
die() { log "error: $*"; exit 1; }
usage() { sed -n 's/^# usage: //p' "$0" >&2; }

environment=${1:-}
[[ "$environment" == test || "$environment" == prod ]] || { usage; die "the first argument must be test or prod"; }
shift
prefix="/wordpress/$environment"
region=${AWS_REGION:-${AWS_DEFAULT_REGION:-}}
secret_arn=""
ca_bundle=""
database=wordpress
while [[ $# -gt 0 ]]; do
  case "$1" in
    --secret-arn) secret_arn=${2:?--secret-arn needs a value}; shift 2 ;;
    --ca-bundle) ca_bundle=${2:?--ca-bundle needs a value}; shift 2 ;;
    --region) region=${2:?--region needs a value}; shift 2 ;;
    --prefix) prefix=${2:?--prefix needs a value}; shift 2 ;;
    --database) database=${2:?--database needs a value}; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage; die "unknown argument $1" ;;
  esac
done
[[ -n "$secret_arn" ]] || die "--secret-arn is required (the data stack's DatabaseSecretArn output)"
[[ -r "$ca_bundle" ]] || die "--ca-bundle must name a readable PEM file (the RDS CA bundle)"
[[ "$prefix" =~ ^(/[A-Za-z0-9_.-]+)+$ ]] || die "--prefix must look like /wordpress/test"
[[ "$database" =~ ^[A-Za-z0-9_]{1,64}$ ]] || die "--database must be letters, digits and _"
command -v aws >/dev/null || die "the AWS CLI is not on PATH"
command -v python3 >/dev/null || die "python3 is not on PATH (it reads the secret's JSON)"
command -v php >/dev/null || die "php is not on PATH (the deploy buildspec installs php8.3-cli and php8.3-mysqlnd)"
php -r 'exit(extension_loaded("mysqli") ? 0 : 1);' || die "php has no mysqli extension (mysqlnd): install php-mysqlnd"
query_tool="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/mysql-query.php"
[[ -r "$query_tool" ]] || die "$query_tool is missing"

aws_cli() {
  if [[ -n "$region" ]]; then aws --region "$region" "$@"; else aws "$@"; fi
}
parameter() {
  aws_cli ssm get-parameter --name "$prefix/$1" --with-decryption --query Parameter.Value --output text \
    || die "cannot read $prefix/$1 (run scripts/put-parameters.sh $environment first)"
}

db_host=$(parameter DB_HOST)
app_user=$(parameter DB_USER)
app_password=$(parameter DB_PASSWORD)
host=${db_host%:*}
port=3306
[[ "$db_host" == *:* ]] && port=${db_host##*:}
[[ "$app_user" =~ ^[A-Za-z0-9_]{1,32}$ ]] || die "$prefix/DB_USER must be 1 to 32 letters, digits and _"
# The password goes into SQL and option files: a safe alphabet keeps quoting out of the question.
[[ "$app_password" =~ ^[A-Za-z0-9._~+/=-]{20,}$ ]] \
  || die "$prefix/DB_PASSWORD must be at least 20 characters of A-Z a-z 0-9 . _ ~ + / = - (put-parameters.sh --rotate-password makes one)"

workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT
umask 077

# A connection file for mysql-query.php (JSON, mode 0600): the password never shows in the process
# list. It goes to python3 on stdin; the rest is not secret.
connection_file() {
  local file=$1 user=$2 password=$3
  printf '%s' "$password" | python3 -c '
import json, sys
host, port, user, ca, out = sys.argv[1:]
with open(out, "w") as f:
    json.dump({"host": host, "port": int(port), "user": user, "password": sys.stdin.read(), "ca": ca}, f)
' "$host" "$port" "$user" "$ca_bundle" "$file"
}

# Can WordPress's user log in with the password from SSM? 0 yes, 1 access denied, else die.
app_login() {
  connection_file "$workdir/app.json" "$app_user" "$app_password"
  local status=0
  php "$query_tool" "$workdir/app.json" "$database" <<<'SELECT 1' >/dev/null 2>"$workdir/app.err" || status=$?
  case "$status" in
    0) return 0 ;;
    3) return 1 ;;
    *) die "cannot connect to $host:$port as $app_user: $(head -c 400 "$workdir/app.err")" ;;
  esac
}

if app_login; then
  log "unchanged: $app_user can log in to $database at $host:$port over verified TLS"
  exit 0
fi

log "reading the master user's credentials from the RDS-managed secret"
master=$(aws_cli secretsmanager get-secret-value --secret-id "$secret_arn" --query SecretString --output text) \
  || die "cannot read the secret $secret_arn"
master_user=$(python3 -c 'import json, sys; sys.stdout.write(json.load(sys.stdin)["username"])' <<<"$master") \
  || die "the secret $secret_arn has no username"
master_password=$(python3 -c 'import json, sys; sys.stdout.write(json.load(sys.stdin)["password"])' <<<"$master") \
  || die "the secret $secret_arn has no password"
unset master
connection_file "$workdir/master.json" "$master_user" "$master_password"
unset master_password

sql() {
  php "$query_tool" "$workdir/master.json" 2>"$workdir/master.err" \
    || die "as $master_user on $host:$port: $(head -c 400 "$workdir/master.err")"
}

version=$(sql <<<'SELECT VERSION();')
exists=$(sql <<<"SELECT COUNT(*) FROM mysql.user WHERE user = '$app_user' AND host = '%';")
# MySQL >= 8.0.14 keeps the previous password valid beside the new one (dual passwords); MariaDB cannot.
retain=""
if [[ "$version" != *MariaDB* ]]; then retain=" RETAIN CURRENT PASSWORD"; fi
if [[ "$exists" == 0 ]]; then
  sql <<<"CREATE USER '$app_user'@'%' IDENTIFIED BY '$app_password' REQUIRE SSL;"
  log "created $app_user"
else
  sql <<<"ALTER USER '$app_user'@'%' IDENTIFIED BY '$app_password'$retain REQUIRE SSL;"
  log "changed the password of $app_user${retain:+ (the previous one stays valid until the next change)}"
fi
sql <<<"GRANT ALL PRIVILEGES ON \`$database\`.* TO '$app_user'@'%';"
app_login || die "$app_user still cannot log in after the change"
log "done: $app_user can log in to $database at $host:$port over verified TLS"
