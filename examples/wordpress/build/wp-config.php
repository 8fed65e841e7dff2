<?php
/**
 * WordPress's configuration in the team's image (build/Dockerfile puts it in /usr/src/wordpress, so
 * the official entrypoint copies it and writes none of its own). Every value comes from the
 * environment that docker-entrypoint.sh checked and completed: the database, the keys and salts,
 * and WORDPRESS_CONFIG_EXTRA (its constants: cache key salt, no file edits, the install guard,
 * TLS to the database). Nothing is written at start-up and no secret is in the file.
 */

$kubeship_setting = static function (string $name, string $default = ''): string {
    $value = getenv($name);
    return $value === false || $value === '' ? $default : $value;
};

define('DB_NAME', $kubeship_setting('WORDPRESS_DB_NAME', 'wordpress'));
define('DB_USER', $kubeship_setting('WORDPRESS_DB_USER'));
define('DB_PASSWORD', $kubeship_setting('WORDPRESS_DB_PASSWORD'));
define('DB_HOST', $kubeship_setting('WORDPRESS_DB_HOST'));
define('DB_CHARSET', $kubeship_setting('WORDPRESS_DB_CHARSET', 'utf8mb4'));
define('DB_COLLATE', $kubeship_setting('WORDPRESS_DB_COLLATE'));

foreach (['AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT'] as $kubeship_key) {
    define($kubeship_key, $kubeship_setting('WORDPRESS_' . $kubeship_key));
}

$table_prefix = $kubeship_setting('WORDPRESS_TABLE_PREFIX', 'wp_');
define('WP_DEBUG', $kubeship_setting('WORDPRESS_DEBUG') !== '');

// TLS ends at the load balancer, which says so in X-Forwarded-Proto.
if (str_contains(strtolower((string) ($_SERVER['HTTP_X_FORWARDED_PROTO'] ?? '')), 'https')) {
    $_SERVER['HTTPS'] = 'on';
}

$kubeship_extra = $kubeship_setting('WORDPRESS_CONFIG_EXTRA');
unset($kubeship_setting, $kubeship_key);
if ($kubeship_extra !== '') {
    eval($kubeship_extra);
}
unset($kubeship_extra);

if (!defined('ABSPATH')) {
    define('ABSPATH', __DIR__ . '/');
}
require_once ABSPATH . 'wp-settings.php';
