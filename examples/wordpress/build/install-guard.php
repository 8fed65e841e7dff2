<?php
/**
 * Keeps WordPress's installer closed to everyone who does not hold the install key.
 *
 * A fresh WordPress answers wp-admin/install.php to the first visitor, who picks the admin
 * account: on a public load balancer, whoever comes first owns the site. wp-config.php loads
 * this file (docker-entrypoint.sh adds it to WORDPRESS_CONFIG_EXTRA), before WordPress itself,
 * so it runs for install.php too. The installer answers only to a request that proves it holds
 * the key from SSM (/wordpress/<env>/INSTALL_KEY, a SecureString that reaches the pod as
 * WORDPRESS_INSTALL_KEY):
 *   - a browser posts the key once, in the form this page shows (never in a URL, so it is in no
 *     access log and no history), and gets a cookie that is not the key: an expiry time and an
 *     HMAC of it under the key, valid for KUBESHIP_INSTALL_MINUTES (30) minutes;
 *   - a script sends the key in the header X-Kubeship-Install-Key with each request.
 * Without a key in the environment the installer never opens. Every other page is left alone.
 */

if (PHP_SAPI !== 'cli' && preg_match('#/wp-admin/install\.php$#', (string) ($_SERVER['SCRIPT_NAME'] ?? ''))) {
    (static function (): void {
        $key = (string) getenv('WORDPRESS_INSTALL_KEY');
        $cookie = 'kubeship_install';
        $lifetime = 30 * 60;
        $sign = static fn (int $expires): string => hash_hmac('sha256', "kubeship-install|$expires", $key);
        $holds = static fn (string $given): bool => $key !== '' && $given !== '' && hash_equals($key, $given);

        if ($holds((string) ($_SERVER['HTTP_X_KUBESHIP_INSTALL_KEY'] ?? ''))) {
            return;
        }
        $token = (string) ($_COOKIE[$cookie] ?? '');
        if ($key !== '' && preg_match('/^(\d{1,12})\.([0-9a-f]{64})$/', $token, $parts) === 1
            && (int) $parts[1] > time() && hash_equals($sign((int) $parts[1]), $parts[2])) {
            return;
        }
        if (($_SERVER['REQUEST_METHOD'] ?? '') === 'POST' && $holds((string) ($_POST['kubeship_install_key'] ?? ''))) {
            $expires = time() + $lifetime;
            setcookie($cookie, $expires . '.' . $sign($expires), [
                'expires' => $expires,
                'path' => '/wp-admin/',
                'secure' => true,
                'httponly' => true,
                'samesite' => 'Strict',
            ]);
            header('Cache-Control: no-store');
            header('Location: /wp-admin/install.php', true, 303);
            exit;
        }
        http_response_code(403);
        header('Content-Type: text/html; charset=utf-8');
        header('Cache-Control: no-store');
        echo '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Installer closed</title></head><body>',
            '<h1>The installer is closed</h1>',
            '<p>Enter the value of <code>/wordpress/&lt;env&gt;/INSTALL_KEY</code> from SSM Parameter Store.</p>',
            '<form method="post" action="/wp-admin/install.php">',
            '<input type="password" name="kubeship_install_key" autocomplete="off" required> ',
            '<button type="submit">Open the installer</button></form></body></html>', "\n";
        exit;
    })();
}
