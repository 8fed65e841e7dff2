<?php
/**
 * Keeps WordPress's installer closed to everyone who does not hold the install key.
 *
 * A fresh WordPress answers wp-admin/install.php to the first visitor, who picks the admin
 * account: on a public load balancer, whoever comes first owns the site. wp-config.php loads
 * this file (docker-entrypoint.sh adds it to WORDPRESS_CONFIG_EXTRA), before WordPress itself,
 * so it runs for install.php too. The installer then answers only to a request that carries the
 * key from SSM (/wordpress/<env>/INSTALL_KEY, a SecureString that reaches the pod as
 * WORDPRESS_INSTALL_KEY): once as ?kubeship_install_key=..., after which a cookie carries it
 * through the installer's form. Without a key in the environment the installer never opens.
 * Every other page is left alone.
 */

if (PHP_SAPI !== 'cli' && preg_match('#/wp-admin/install\.php$#', (string) ($_SERVER['SCRIPT_NAME'] ?? ''))) {
    $kubeship_key = (string) getenv('WORDPRESS_INSTALL_KEY');
    $kubeship_given = (string) ($_GET['kubeship_install_key'] ?? $_COOKIE['kubeship_install_key'] ?? '');
    if ($kubeship_key === '' || !hash_equals($kubeship_key, $kubeship_given)) {
        http_response_code(403);
        header('Content-Type: text/plain; charset=utf-8');
        header('Cache-Control: no-store');
        echo "The installer is closed. Open it with ?kubeship_install_key=<the value of /wordpress/<env>/INSTALL_KEY in SSM>.\n";
        exit;
    }
    if (isset($_GET['kubeship_install_key'])) {
        setcookie('kubeship_install_key', $kubeship_given, [
            'path' => '/wp-admin/',
            'secure' => true,
            'httponly' => true,
            'samesite' => 'Strict',
        ]);
    }
    unset($kubeship_key, $kubeship_given);
}
