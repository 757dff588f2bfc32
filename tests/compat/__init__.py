"""Compatibility with the real clients users have (php-cli, psql, mariadb)."""
