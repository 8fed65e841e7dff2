<?php
/**
 * The kubeship child theme: the parent's styles, then ours, and a small release note in the footer.
 *
 * @package kubeship-child
 */

defined( 'ABSPATH' ) || exit;

add_action(
	'wp_enqueue_scripts',
	static function () {
		$theme = wp_get_theme();
		wp_enqueue_style( 'twentytwentyfive-style', get_template_directory_uri() . '/style.css', array(), $theme->parent()->get( 'Version' ) );
		wp_enqueue_style( 'kubeship-child-style', get_stylesheet_uri(), array( 'twentytwentyfive-style' ), $theme->get( 'Version' ) );
	}
);

add_action(
	'wp_footer',
	static function () {
		printf(
			'<p class="kubeship-release">%s</p>',
			esc_html( sprintf( 'Served by %s, deployed with kubeship', (string) gethostname() ) )
		);
	}
);
