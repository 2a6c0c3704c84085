-- MariaDB's --init-file in the compose test: root from 127.0.0.1 without a password (as the
-- official image's MARIADB_ALLOW_EMPTY_ROOT_PASSWORD), and the demo database (MARIADB_DATABASE).
CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
CREATE DATABASE IF NOT EXISTS fluxquery_demo;
