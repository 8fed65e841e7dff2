<?php
/**
 * Plugin Name: kubeship runtime
 * Description: What WordPress needs to run as a stateless Deployment behind an ALB: a health route
 *              for humans and monitors, the serving pod in a response header, XML-RPC off.
 * Version: 1.0.0
 *
 * A must-use plugin: it ships in the image (build/Dockerfile) and cannot be turned off in wp-admin.
 *
 * @package kubeship-wordpress
 */

defined( 'ABSPATH' ) || exit;

// XML-RPC is a favourite of brute-force scripts and nothing here uses it.
add_filter( 'xmlrpc_enabled', '__return_false' );

// Which pod answered: handy when watching a rolling update through the load balancer.
add_action(
	'send_headers',
	static function () {
		header( 'X-Served-By: ' . preg_replace( '/[^A-Za-z0-9.-]/', '', (string) gethostname() ) );
	}
);

// GET /wp-json/kubeship/v1/health: 200 when the database answers, with the object cache in use.
add_action(
	'rest_api_init',
	static function () {
		register_rest_route(
			'kubeship/v1',
			'/health',
			array(
				'methods'             => 'GET',
				'permission_callback' => '__return_true',
				'callback'            => static function () {
					global $wpdb;
					$database = '1' === (string) $wpdb->get_var( 'SELECT 1' );
					return new WP_REST_Response(
						array(
							'status'   => $database ? 'ok' : 'database unavailable',
							'database' => $database,
							'cache'    => wp_using_ext_object_cache() ? 'memcached' : 'request',
							'version'  => get_bloginfo( 'version' ),
						),
						$database ? 200 : 503
					);
				},
			)
		);
	}
);
