<?php
/**
 * The MySQL client of scripts/db-user.sh: PHP's mysqlnd, which authenticates with
 * caching_sha2_password (the default of MySQL 8.4, RDS's engine here) and mysql_native_password
 * alike, over TLS with the server's certificate and host name verified against a CA bundle.
 *
 * usage: php mysql-query.php <connection.json> [database] < statements.sql
 *   connection.json  {"host", "port", "user", "password", "ca"} (mode 0600: the password is never on
 *                    a command line)
 * Runs the statements (one or more, `;`-separated) and prints every row of every result, columns
 * separated by tabs. Exit 0 done, 3 access denied (wrong user or password, or no rights on the
 * database), 1 anything else (the server's message on stderr, never the password).
 */

mysqli_report(MYSQLI_REPORT_OFF);
[$tool, $file, $database] = $argv + [null, null, null];
$connection = is_string($file) && is_readable($file) ? json_decode((string) file_get_contents($file), true) : null;
if (!is_array($connection)) {
    fwrite(STDERR, "usage: php {$tool} <connection.json> [database] < statements.sql\n");
    exit(1);
}
$sql = (string) stream_get_contents(STDIN);
$db = mysqli_init();
$db->options(MYSQLI_OPT_CONNECT_TIMEOUT, 10);
$db->ssl_set(null, null, (string) $connection['ca'], null, null);
$connected = @$db->real_connect(
    (string) $connection['host'],
    (string) $connection['user'],
    (string) $connection['password'],
    $database === null || $database === '' ? null : (string) $database,
    (int) $connection['port'],
    null,
    MYSQLI_CLIENT_SSL | MYSQLI_CLIENT_SSL_VERIFY_SERVER_CERT
);
$fail = static function (int $errno, string $error): never {
    fwrite(STDERR, "ERROR {$errno}: {$error}\n");
    exit(in_array($errno, [1044, 1045, 1698], true) ? 3 : 1);
};
if (!$connected) {
    $fail($db->connect_errno, $db->connect_error !== null && $db->connect_error !== '' ? $db->connect_error : 'cannot connect (TLS: is the CA bundle right?)');
}
if (trim($sql) === '') {
    exit(0);
}
if (!$db->multi_query($sql)) {
    $fail($db->errno, $db->error);
}
do {
    $result = $db->store_result();
    if ($result instanceof mysqli_result) {
        while (($row = $result->fetch_row()) !== null) {
            echo implode("\t", array_map(static fn ($v) => (string) $v, $row)), "\n";
        }
        $result->free();
    } elseif ($db->errno !== 0) {
        $fail($db->errno, $db->error);
    }
} while ($db->more_results() && $db->next_result());
if ($db->errno !== 0) {
    $fail($db->errno, $db->error);
}
exit(0);
