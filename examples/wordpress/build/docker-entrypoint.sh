#!/usr/bin/env bash
# Entrypoint of the team's WordPress image: turns the environment kubeship gives the pod (from
# SSM Parameter Store, see kubeship.config.ts) into WordPress settings, then execs the official
# image's entrypoint, which writes wp-config.php and starts Apache.
#
# Reads:
#   WORDPRESS_DB_HOST, WORDPRESS_DB_USER, WORDPRESS_DB_PASSWORD (or *_FILE)   required
#   WORDPRESS_DB_NAME            default wordpress
#   WORDPRESS_DB_SSL             default true: connect with TLS (the RDS parameter group requires it)
#                                and verify the server's certificate and host name against the
#                                system trust store, to which the image adds the RDS CA bundle
#   WORDPRESS_INSTALL_KEY        the key that opens wp-admin/install.php (build/install-guard.php);
#                                without it the installer answers 403 to everyone
#   KUBESHIP_INSTALL_GUARD       where install-guard.php is (default: where the Dockerfile puts it)
#   MEMCACHED_ENDPOINT           host:port of ElastiCache memcached; its configuration endpoint is
#                                asked for the node list (auto discovery), a plain memcached is used
#                                as it is; empty: no object cache
#   WORDPRESS_<KEY|SALT>         the eight authentication keys and salts; each one not set is
#                                derived from the database password, so every replica has the same
#                                ones (a login works on any pod) and they change when it rotates
# Sets for the official entrypoint and PHP:
#   MEMCACHED_SERVERS            host:port[,host:port...] for wp-content/object-cache.php
#   WORDPRESS_CACHE_KEY_SALT     prefixes cache keys, so environments sharing a cache never mix
#   WORDPRESS_CONFIG_EXTRA       appended PHP (constants only, values read with getenv at runtime)
#   WORDPRESS_AUTH_KEY ... WORDPRESS_NONCE_SALT
# Never prints a secret. WORDPRESS_UPSTREAM_ENTRYPOINT overrides what it execs (for tests).
set -euo pipefail

log() { echo "[kubeship-entrypoint] $*" >&2; }

# `--discover host port`: print the nodes of an ElastiCache memcached configuration endpoint as
# host:port,host:port; exit 1 if it does not answer like one. Run under `timeout` (see below).
if [[ "${1:-}" == "--discover" ]]; then
  exec 3<>"/dev/tcp/$2/$3"
  printf 'config get cluster\r\n' >&3
  lines=()
  while IFS= read -r -t 5 line <&3; do
    line=${line%$'\r'}
    [[ "$line" == END || "$line" == ERROR* ]] && break
    lines+=("$line")
  done
  # CONFIG cluster 0 <bytes> / <config version> / host|ip|port host|ip|port ...
  [[ ${#lines[@]} -ge 3 && "${lines[0]}" == "CONFIG cluster"* ]] || exit 1
  nodes=()
  for node in ${lines[2]}; do
    IFS='|' read -r host ip port <<<"$node"
    nodes+=("${host:-$ip}:$port")
  done
  [[ ${#nodes[@]} -gt 0 ]] || exit 1
  (IFS=,; echo "${nodes[*]}")
  exit 0
fi

# The official image accepts VAR_FILE for each of these; honour it for the check below.
for name in WORDPRESS_DB_HOST WORDPRESS_DB_USER WORDPRESS_DB_PASSWORD; do
  file_var="${name}_FILE"
  if [[ -z "${!name:-}" && -n "${!file_var:-}" && -r "${!file_var}" ]]; then
    printf -v "$name" '%s' "$(<"${!file_var}")"
    export "${name?}"
    unset "$file_var"
  fi
done
missing=()
for name in WORDPRESS_DB_HOST WORDPRESS_DB_USER WORDPRESS_DB_PASSWORD; do
  [[ -n "${!name:-}" ]] || missing+=("$name")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  log "error: ${missing[*]} not set: the pod gets them from SSM /wordpress/<env>/ through kubeship"
  exit 64
fi
export WORDPRESS_DB_NAME="${WORDPRESS_DB_NAME:-wordpress}"

# Keys and salts: the same on every replica, derived from a secret they all share.
for key in AUTH_KEY SECURE_AUTH_KEY LOGGED_IN_KEY NONCE_KEY AUTH_SALT SECURE_AUTH_SALT LOGGED_IN_SALT NONCE_SALT; do
  name="WORDPRESS_$key"
  if [[ -z "${!name:-}" ]]; then
    digest=$(printf 'wordpress:%s:%s@%s/%s' "$key" "$WORDPRESS_DB_PASSWORD" "$WORDPRESS_DB_HOST" "$WORDPRESS_DB_NAME" | sha256sum)
    printf -v "$name" '%s' "${digest%% *}"
    export "${name?}"
  fi
done

# Object cache: the node list of the ElastiCache cluster, asked once at start-up.
MEMCACHED_SERVERS=""
if [[ -n "${MEMCACHED_ENDPOINT:-}" ]]; then
  endpoint_host=${MEMCACHED_ENDPOINT%:*}
  endpoint_port=11211
  [[ "$MEMCACHED_ENDPOINT" == *:* ]] && endpoint_port=${MEMCACHED_ENDPOINT##*:}
  if MEMCACHED_SERVERS=$(timeout 8 "$0" --discover "$endpoint_host" "$endpoint_port" 2>/dev/null); then
    log "memcached: auto discovery found ${MEMCACHED_SERVERS//,/ }"
  else
    MEMCACHED_SERVERS="$endpoint_host:$endpoint_port"
    log "memcached: no auto discovery at $MEMCACHED_SERVERS, using it as a single server"
  fi
else
  log "memcached: MEMCACHED_ENDPOINT not set, no persistent object cache"
fi
export MEMCACHED_SERVERS
digest=$(printf '%s/%s' "$WORDPRESS_DB_HOST" "$WORDPRESS_DB_NAME" | sha256sum)
export WORDPRESS_CACHE_KEY_SALT="${WORDPRESS_CACHE_KEY_SALT:-${digest:0:12}:}"

# PHP the official wp-config.php evaluates: constants only, values come from getenv at runtime.
extra=$'\n// kubeship-entrypoint.sh\n'
extra+=$'define(\'WP_CACHE_KEY_SALT\', getenv(\'WORDPRESS_CACHE_KEY_SALT\') ?: \'\');\n'
extra+=$'define(\'DISALLOW_FILE_EDIT\', true);\ndefine(\'DISALLOW_FILE_MODS\', true);\n'
extra+=$'define(\'AUTOMATIC_UPDATER_DISABLED\', true);\n'
guard=${KUBESHIP_INSTALL_GUARD:-/usr/local/share/kubeship/install-guard.php}
[[ "$guard" =~ ^[A-Za-z0-9_./-]+$ ]] || { log "error: KUBESHIP_INSTALL_GUARD must be a plain path"; exit 64; }
extra+="require_once '$guard';"$'\n'
tls=off
if [[ "${WORDPRESS_DB_SSL:-true}" != "false" ]]; then
  # TLS, and the server certificate verified (without the second flag PHP accepts any certificate).
  extra+=$'define(\'MYSQL_CLIENT_FLAGS\', MYSQLI_CLIENT_SSL | MYSQLI_CLIENT_SSL_VERIFY_SERVER_CERT);\n'
  tls="on, certificate verified"
fi
[[ -n "${WORDPRESS_INSTALL_KEY:-}" ]] || log "WORDPRESS_INSTALL_KEY not set: the installer stays closed"
export WORDPRESS_CONFIG_EXTRA="${WORDPRESS_CONFIG_EXTRA:-}${extra}"

log "database ${WORDPRESS_DB_NAME} at ${WORDPRESS_DB_HOST} as ${WORDPRESS_DB_USER} (TLS ${tls})"
exec "${WORDPRESS_UPSTREAM_ENTRYPOINT:-docker-entrypoint.sh}" "$@"
