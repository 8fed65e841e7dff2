<?php
/**
 * Object cache drop-in: WordPress's object cache in ElastiCache memcached, through the PHP
 * memcached extension (build/Dockerfile installs it).
 *
 * The servers come from MEMCACHED_SERVERS (host:port[,host:port...]), which
 * build/docker-entrypoint.sh sets from the ElastiCache node list. Without servers or without
 * the extension every call still works, from a per-request memory cache as in core.
 * Keys are prefixed with WP_CACHE_KEY_SALT (set by the entrypoint) and the blog id.
 *
 * @package kubeship-wordpress
 */

defined( 'ABSPATH' ) || exit;

/**
 * The cache: a per-request copy of what was read or written, in front of memcached.
 */
class Kubeship_Object_Cache {
	/** Memcached counts expirations above 30 days as a Unix time. */
	const MAX_RELATIVE_EXPIRY = 2592000;

	/** @var Memcached|null The client; null when there is no memcached to use. */
	private $mc = null;

	/** @var array<string, array<string, mixed>> Values by group and key, for this request. */
	private $local = array();

	/** @var array<string, bool> Groups shared by every site of a network. */
	private $global_groups = array();

	/** @var array<string, bool> Groups that never leave this request. */
	private $local_groups = array();

	/** @var string Prefix of the current site's keys. */
	private $blog_prefix = '';

	/** @var int Reads answered from this request's copy. */
	public $cache_hits = 0;

	/** @var int Reads that found nothing. */
	public $cache_misses = 0;

	/**
	 * Connects to the servers in MEMCACHED_SERVERS, if any.
	 */
	public function __construct() {
		$servers = array_filter( array_map( 'trim', explode( ',', (string) getenv( 'MEMCACHED_SERVERS' ) ) ) );
		if ( $servers && class_exists( 'Memcached' ) ) {
			$mc = new Memcached();
			$mc->setOption( Memcached::OPT_BINARY_PROTOCOL, true );
			$mc->setOption( Memcached::OPT_LIBKETAMA_COMPATIBLE, true );
			$mc->setOption( Memcached::OPT_CONNECT_TIMEOUT, 500 );
			$mc->setOption( Memcached::OPT_POLL_TIMEOUT, 500 );
			$mc->setOption( Memcached::OPT_RETRY_TIMEOUT, 10 );
			$mc->setOption( Memcached::OPT_SERVER_FAILURE_LIMIT, 2 );
			$mc->setOption( Memcached::OPT_REMOVE_FAILED_SERVERS, true );
			foreach ( $servers as $server ) {
				$port = 11211;
				$host = $server;
				$colon = strrpos( $server, ':' );
				if ( false !== $colon ) {
					$host = substr( $server, 0, $colon );
					$port = (int) substr( $server, $colon + 1 );
				}
				$mc->addServer( $host, $port );
			}
			$this->mc = $mc;
		}
		$this->switch_to_blog( function_exists( 'get_current_blog_id' ) ? get_current_blog_id() : 1 );
	}

	/**
	 * Whether values of the group go to memcached.
	 *
	 * @param string $group The group.
	 */
	private function persistent( $group ) {
		return null !== $this->mc && ! isset( $this->local_groups[ $group ] );
	}

	/**
	 * The memcached key: printable, at most 250 bytes.
	 *
	 * @param string $key   The key.
	 * @param string $group The group.
	 */
	private function key( $key, $group ) {
		$salt   = defined( 'WP_CACHE_KEY_SALT' ) ? WP_CACHE_KEY_SALT : '';
		$prefix = isset( $this->global_groups[ $group ] ) ? 'global:' : $this->blog_prefix;
		$full   = $salt . $prefix . $group . ':' . $key;
		if ( strlen( $full ) > 250 || preg_match( '/[\s\x00-\x1f\x7f]/', $full ) ) {
			return $salt . $prefix . $group . ':md5:' . md5( (string) $key );
		}
		return $full;
	}

	/**
	 * Memcached's expiry for WordPress's seconds from now.
	 *
	 * @param int $expire Seconds; 0 never expires.
	 */
	private function expiry( $expire ) {
		$expire = max( 0, (int) $expire );
		return $expire > self::MAX_RELATIVE_EXPIRY ? time() + $expire : $expire;
	}

	/**
	 * Reads a value.
	 *
	 * @param int|string $key   The key.
	 * @param string     $group The group.
	 * @param bool       $force Skip this request's copy and ask memcached.
	 * @param bool|null  $found Whether the key was found.
	 * @return mixed The value, or false.
	 */
	public function get( $key, $group = 'default', $force = false, &$found = null ) {
		$group = $group ? $group : 'default';
		$local = ! $force || ! $this->persistent( $group );
		if ( $local && isset( $this->local[ $group ] ) && array_key_exists( $key, $this->local[ $group ] ) ) {
			$found = true;
			++$this->cache_hits;
			$value = $this->local[ $group ][ $key ];
			return is_object( $value ) ? clone $value : $value;
		}
		if ( $this->persistent( $group ) ) {
			$value = $this->mc->get( $this->key( $key, $group ) );
			if ( Memcached::RES_SUCCESS === $this->mc->getResultCode() ) {
				$found                           = true;
				$this->local[ $group ][ $key ] = $value;
				++$this->cache_hits;
				return is_object( $value ) ? clone $value : $value;
			}
		}
		$found = false;
		++$this->cache_misses;
		return false;
	}

	/**
	 * Writes a value.
	 *
	 * @param int|string $key    The key.
	 * @param mixed      $data   The value.
	 * @param string     $group  The group.
	 * @param int        $expire Seconds until it expires; 0 never.
	 */
	public function set( $key, $data, $group = 'default', $expire = 0 ) {
		$group = $group ? $group : 'default';
		$data  = is_object( $data ) ? clone $data : $data;
		if ( $this->persistent( $group ) && ! $this->mc->set( $this->key( $key, $group ), $data, $this->expiry( $expire ) ) ) {
			unset( $this->local[ $group ][ $key ] );
			return false;
		}
		$this->local[ $group ][ $key ] = $data;
		return true;
	}

	/**
	 * Writes a value only if the key has none.
	 *
	 * @param int|string $key    The key.
	 * @param mixed      $data   The value.
	 * @param string     $group  The group.
	 * @param int        $expire Seconds until it expires; 0 never.
	 */
	public function add( $key, $data, $group = 'default', $expire = 0 ) {
		if ( function_exists( 'wp_suspend_cache_addition' ) && wp_suspend_cache_addition() ) {
			return false;
		}
		$group = $group ? $group : 'default';
		if ( isset( $this->local[ $group ] ) && array_key_exists( $key, $this->local[ $group ] ) ) {
			return false;
		}
		$data = is_object( $data ) ? clone $data : $data;
		if ( $this->persistent( $group ) && ! $this->mc->add( $this->key( $key, $group ), $data, $this->expiry( $expire ) ) ) {
			return false;
		}
		$this->local[ $group ][ $key ] = $data;
		return true;
	}

	/**
	 * Writes a value only if the key has one.
	 *
	 * @param int|string $key    The key.
	 * @param mixed      $data   The value.
	 * @param string     $group  The group.
	 * @param int        $expire Seconds until it expires; 0 never.
	 */
	public function replace( $key, $data, $group = 'default', $expire = 0 ) {
		$group = $group ? $group : 'default';
		$found = false;
		$this->get( $key, $group, false, $found );
		return $found ? $this->set( $key, $data, $group, $expire ) : false;
	}

	/**
	 * Removes a value.
	 *
	 * @param int|string $key   The key.
	 * @param string     $group The group.
	 */
	public function delete( $key, $group = 'default' ) {
		$group   = $group ? $group : 'default';
		$existed = isset( $this->local[ $group ] ) && array_key_exists( $key, $this->local[ $group ] );
		unset( $this->local[ $group ][ $key ] );
		if ( $this->persistent( $group ) ) {
			return $this->mc->delete( $this->key( $key, $group ) ) || $existed;
		}
		return $existed;
	}

	/**
	 * Adds to a numeric value (never below zero); false when the key has no value.
	 *
	 * @param int|string $key    The key.
	 * @param int        $offset How much to add (negative to subtract).
	 * @param string     $group  The group.
	 */
	public function incr( $key, $offset = 1, $group = 'default' ) {
		$found = false;
		$value = $this->get( $key, $group, true, $found );
		if ( ! $found ) {
			return false;
		}
		$value = max( 0, ( is_numeric( $value ) ? (int) $value : 0 ) + (int) $offset );
		return $this->set( $key, $value, $group ) ? $value : false;
	}

	/**
	 * Empties the cache: this request's copy and memcached.
	 */
	public function flush() {
		$this->local = array();
		return null === $this->mc || $this->mc->flush();
	}

	/**
	 * Empties this request's copy only.
	 */
	public function flush_runtime() {
		$this->local = array();
		return true;
	}

	/**
	 * Marks groups as shared by every site of a network.
	 *
	 * @param string|string[] $groups The groups.
	 */
	public function add_global_groups( $groups ) {
		foreach ( (array) $groups as $group ) {
			$this->global_groups[ $group ] = true;
		}
	}

	/**
	 * Marks groups as kept in this request only.
	 *
	 * @param string|string[] $groups The groups.
	 */
	public function add_non_persistent_groups( $groups ) {
		foreach ( (array) $groups as $group ) {
			$this->local_groups[ $group ] = true;
		}
	}

	/**
	 * Switches the site whose keys are used.
	 *
	 * @param int $blog_id The site.
	 */
	public function switch_to_blog( $blog_id ) {
		$this->blog_prefix = ( function_exists( 'is_multisite' ) && is_multisite() ? (int) $blog_id : 1 ) . ':';
	}

	/**
	 * Closes the connections at the end of the request.
	 */
	public function close() {
		if ( null !== $this->mc ) {
			$this->mc->quit();
		}
		return true;
	}
}

/** Sets up the cache. */
function wp_cache_init() {
	$GLOBALS['wp_object_cache'] = new Kubeship_Object_Cache();
}

/**
 * Whether the cache supports an optional feature.
 *
 * @param string $feature The feature, e.g. 'flush_runtime'.
 */
function wp_cache_supports( $feature ) {
	return in_array( $feature, array( 'flush_runtime', 'get_multiple' ), true );
}

/**
 * Reads a value.
 *
 * @param int|string $key   The key.
 * @param string     $group The group.
 * @param bool       $force Skip this request's copy.
 * @param bool|null  $found Whether the key was found.
 */
function wp_cache_get( $key, $group = '', $force = false, &$found = null ) {
	return $GLOBALS['wp_object_cache']->get( $key, $group, $force, $found );
}

/**
 * Reads several values of a group.
 *
 * @param array  $keys  The keys.
 * @param string $group The group.
 * @param bool   $force Skip this request's copy.
 */
function wp_cache_get_multiple( $keys, $group = '', $force = false ) {
	$values = array();
	foreach ( $keys as $key ) {
		$values[ $key ] = $GLOBALS['wp_object_cache']->get( $key, $group, $force );
	}
	return $values;
}

/**
 * Writes a value.
 *
 * @param int|string $key    The key.
 * @param mixed      $data   The value.
 * @param string     $group  The group.
 * @param int        $expire Seconds until it expires.
 */
function wp_cache_set( $key, $data, $group = '', $expire = 0 ) {
	return $GLOBALS['wp_object_cache']->set( $key, $data, $group, (int) $expire );
}

/**
 * Writes a value if the key has none.
 *
 * @param int|string $key    The key.
 * @param mixed      $data   The value.
 * @param string     $group  The group.
 * @param int        $expire Seconds until it expires.
 */
function wp_cache_add( $key, $data, $group = '', $expire = 0 ) {
	return $GLOBALS['wp_object_cache']->add( $key, $data, $group, (int) $expire );
}

/**
 * Writes a value if the key has one.
 *
 * @param int|string $key    The key.
 * @param mixed      $data   The value.
 * @param string     $group  The group.
 * @param int        $expire Seconds until it expires.
 */
function wp_cache_replace( $key, $data, $group = '', $expire = 0 ) {
	return $GLOBALS['wp_object_cache']->replace( $key, $data, $group, (int) $expire );
}

/**
 * Removes a value.
 *
 * @param int|string $key   The key.
 * @param string     $group The group.
 */
function wp_cache_delete( $key, $group = '' ) {
	return $GLOBALS['wp_object_cache']->delete( $key, $group );
}

/**
 * Adds to a numeric value.
 *
 * @param int|string $key    The key.
 * @param int        $offset How much.
 * @param string     $group  The group.
 */
function wp_cache_incr( $key, $offset = 1, $group = '' ) {
	return $GLOBALS['wp_object_cache']->incr( $key, $offset, $group );
}

/**
 * Subtracts from a numeric value (never below zero).
 *
 * @param int|string $key    The key.
 * @param int        $offset How much.
 * @param string     $group  The group.
 */
function wp_cache_decr( $key, $offset = 1, $group = '' ) {
	return $GLOBALS['wp_object_cache']->incr( $key, -(int) $offset, $group );
}

/** Empties the whole cache. */
function wp_cache_flush() {
	return $GLOBALS['wp_object_cache']->flush();
}

/** Empties this request's copy. */
function wp_cache_flush_runtime() {
	return $GLOBALS['wp_object_cache']->flush_runtime();
}

/** Closes the cache at the end of the request. */
function wp_cache_close() {
	return $GLOBALS['wp_object_cache']->close();
}

/**
 * Marks groups as shared by the sites of a network.
 *
 * @param string|string[] $groups The groups.
 */
function wp_cache_add_global_groups( $groups ) {
	$GLOBALS['wp_object_cache']->add_global_groups( $groups );
}

/**
 * Marks groups as kept in this request only.
 *
 * @param string|string[] $groups The groups.
 */
function wp_cache_add_non_persistent_groups( $groups ) {
	$GLOBALS['wp_object_cache']->add_non_persistent_groups( $groups );
}

/**
 * Switches the site whose keys are used.
 *
 * @param int $blog_id The site.
 */
function wp_cache_switch_to_blog( $blog_id ) {
	$GLOBALS['wp_object_cache']->switch_to_blog( $blog_id );
}

/** Deprecated in core since 3.5: empties this request's copy. */
function wp_cache_reset() {
	return $GLOBALS['wp_object_cache']->flush_runtime();
}
