<?php
/**
 * GET /kubeship-health.php: the pods' readiness probe (kubeship.config.ts) and the ALB's health check.
 *
 * 200 when PHP runs and WordPress's database accepts WordPress's user, 503 otherwise. It does not
 * load WordPress: before WordPress is installed every WordPress page redirects to
 * wp-admin/install.php, which the install guard closes (403) to a request without the key, so a
 * probe of a WordPress page would fail until someone installed the site, and the site could never
 * be installed through a load balancer that waits for ready pods. This file answers the same
 * before the install and after it.
 *
 * It connects as wpdb does with the settings docker-entrypoint.sh checked: TLS with the server's
 * certificate verified unless WORDPRESS_DB_SSL=false. It prints no setting and no error detail:
 * it is public.
 */

header('Content-Type: text/plain; charset=utf-8');
header('Cache-Control: no-store');

$kubeship_setting = static function (string $name, string $default = ''): string {
    $value = getenv($name);
    return $value === false || $value === '' ? $default : $value;
};
$kubeship_host = $kubeship_setting('WORDPRESS_DB_HOST');
$kubeship_port = 3306;
if (preg_match('/^(.+):(\d+)$/', $kubeship_host, $kubeship_match) === 1) {
    $kubeship_host = $kubeship_match[1];
    $kubeship_port = (int) $kubeship_match[2];
}
$kubeship_flags = $kubeship_setting('WORDPRESS_DB_SSL', 'true') === 'false'
    ? 0
    : MYSQLI_CLIENT_SSL | MYSQLI_CLIENT_SSL_VERIFY_SERVER_CERT;

mysqli_report(MYSQLI_REPORT_OFF);
$kubeship_db = mysqli_init();
$kubeship_ok = false;
if ($kubeship_db !== false && $kubeship_host !== '') {
    $kubeship_db->options(MYSQLI_OPT_CONNECT_TIMEOUT, 2);
    $kubeship_ok = @$kubeship_db->real_connect(
        $kubeship_host,
        $kubeship_setting('WORDPRESS_DB_USER'),
        $kubeship_setting('WORDPRESS_DB_PASSWORD'),
        $kubeship_setting('WORDPRESS_DB_NAME', 'wordpress'),
        $kubeship_port,
        null,
        $kubeship_flags
    ) && $kubeship_db->query('SELECT 1') !== false;
}

http_response_code($kubeship_ok ? 200 : 503);
echo $kubeship_ok ? "ok\n" : "database unavailable\n";
