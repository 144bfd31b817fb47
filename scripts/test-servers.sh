#!/usr/bin/env bash
# Makes sure the servers the tests need are installed and running on this machine.
# Tests start their own redis-server and etcd processes on free ports (they only need the binaries,
# and openssl for the certificates of the TLS tests);
# PostgreSQL and MariaDB are used as the machine runs them, each test class in its own schema/database.
# Needs root (or sudo) only when something is missing.
set -euo pipefail

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=false
apt_install() {
  if [ "$apt_updated" = false ]; then
    as_root apt-get update -qq
    apt_updated=true
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

command -v redis-server >/dev/null || { echo "installing redis-server"; apt_install redis-server; }
command -v etcd >/dev/null || [ -x /usr/bin/etcd ] || { echo "installing etcd-server"; apt_install etcd-server; }
# The TLS tests generate their certificates with the openssl command line.
command -v openssl >/dev/null || { echo "installing openssl"; apt_install openssl; }

# PostgreSQL on 127.0.0.1:5432 with trust authentication.
if ! command -v pg_ctlcluster >/dev/null; then
  echo "installing postgresql"
  apt_install postgresql
  hba=$(ls /etc/postgresql/*/main/pg_hba.conf | head -n 1)
  as_root sed -i -E 's/^(local|host)(.*)(peer|scram-sha-256|md5)$/\1\2trust/' "$hba"
fi
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "starting postgresql"
  as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
fi

# MariaDB on 127.0.0.1:3306, root without a password.
if ! command -v mariadbd >/dev/null && [ ! -x /usr/sbin/mariadbd ]; then
  echo "installing mariadb-server"
  apt_install mariadb-server
fi
if ! mariadb-admin -h 127.0.0.1 -u root ping >/dev/null 2>&1; then
  echo "starting mariadb"
  as_root mkdir -p /run/mysqld && as_root chown mysql:mysql /run/mysqld 2>/dev/null || true
  as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  for _ in $(seq 1 60); do
    mariadb-admin -h 127.0.0.1 -u root ping >/dev/null 2>&1 && break
    sleep 1
  done
fi

for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 1
done
echo "test servers ready: redis-server $(redis-server --version | awk '{print $3}'), $(etcd --version 2>/dev/null | head -n 1), postgresql, mariadb"
