<?php
/**
 * The post-deploy smoke test (kubeship.config.ts runs it as a hook Job with the image being
 * deployed): through the Service, as the load balancer reaches the pods,
 *   - /kubeship-health.php answers 200 (PHP runs, the database accepts WordPress's user), and
 *   - WordPress itself loads: /wp-login.php answers 200, or, before the site is installed, a
 *     redirect to wp-admin/install.php (whose guard answers 403 without the key: not followed).
 * The Service's address comes from the variables Kubernetes gives every pod for the Services of
 * its namespace (WORDPRESS_SERVICE_HOST, WORDPRESS_SERVICE_PORT). Exit 0 passed, 1 failed.
 */

$host = (string) getenv('WORDPRESS_SERVICE_HOST');
$port = (string) getenv('WORDPRESS_SERVICE_PORT');
if ($host === '' || $port === '') {
    fwrite(STDERR, "smoke test: WORDPRESS_SERVICE_HOST and WORDPRESS_SERVICE_PORT are not set (is the Service named wordpress?)\n");
    exit(1);
}
$base = str_contains($host, ':') ? "http://[$host]:$port" : "http://$host:$port";

/** [status, Location] of one GET, redirects not followed. */
$get = static function (string $path) use ($base): array {
    $context = stream_context_create(['http' => ['follow_location' => 0, 'ignore_errors' => true, 'timeout' => 10]]);
    $body = @file_get_contents($base . $path, false, $context);
    $headers = $http_response_header ?? [];
    if ($body === false && $headers === []) {
        return [0, ''];
    }
    $status = preg_match('#^HTTP/\S+\s+(\d{3})#', (string) ($headers[0] ?? ''), $m) === 1 ? (int) $m[1] : 0;
    $location = '';
    foreach ($headers as $line) {
        if (stripos($line, 'Location:') === 0) {
            $location = trim(substr($line, 9));
        }
    }
    return [$status, $location];
};

[$health] = $get('/kubeship-health.php');
[$login, $location] = $get('/wp-login.php');
$installing = in_array($login, [302, 303, 307], true) && (string) parse_url($location, PHP_URL_PATH) === '/wp-admin/install.php';
$passed = $health === 200 && ($login === 200 || $installing);
fwrite(STDERR, sprintf(
    "smoke test %s: /kubeship-health.php %d, /wp-login.php %d%s\n",
    $passed ? 'passed' : 'failed',
    $health,
    $login,
    $installing ? ' (not installed yet: redirects to the installer)' : ''
));
exit($passed ? 0 : 1);
