#!/usr/bin/env bash
# Make sure the services the tests talk to answer on 127.0.0.1, start the
# ones that do not, and create the test databases.  Stops nothing.
#
#   MariaDB     3306  database manila_bk_test, root with an empty password
#   PostgreSQL  5432  database manila_bk_test owned by postgres (trust auth)
#   RabbitMQ    5672  guest/guest
#   Redis       6379
#   btrfs-progs and shellcheck, installed with apt-get when missing
#
# Starting a service needs root (the commands are the machine's own, see
# shared/OSLO-NOTES.md).  Exits non-zero, naming the service, if one cannot
# be brought up.
set -euo pipefail

HOST=127.0.0.1
TEST_DB=manila_bk_test

say() { printf 'ensure-services: %s\n' "$*"; }
die() { printf 'ensure-services: ERROR: %s\n' "$*" >&2; exit 1; }

tcp_open() {
    timeout 3 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null
}

# RabbitMQ opens its port before it can serve: ask for the AMQP handshake,
# whose first answer frame starts with type 1 (method).
amqp_ready() {
    local first
    first=$(timeout 5 bash -c "exec 3<>/dev/tcp/$HOST/5672
        printf 'AMQP\\x00\\x00\\x09\\x01' >&3
        head -c 1 <&3 | od -An -tx1" 2>/dev/null) || return 1
    [[ ${first// /} == 01 ]]
}

redis_ready() {
    [[ $(timeout 3 redis-cli -h "$HOST" -p 6379 ping 2>/dev/null) == PONG ]]
}

mariadb_ready() {
    timeout 5 mariadb -uroot -h"$HOST" -P3306 -e 'SELECT 1' >/dev/null 2>&1
}

postgres_ready() {
    timeout 5 psql -h "$HOST" -U postgres -d postgres -tAc 'SELECT 1' \
        >/dev/null 2>&1
}

start_mariadb() {
    # mariadbd needs its socket directory, which a fresh /run lacks.
    install -d -o mysql -g mysql /run/mysqld 2>/dev/null || true
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
}

start_postgresql() {
    local version
    version=$(find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' \
        | sort -V | tail -1)
    [[ -n $version ]] || die "no cluster under /etc/postgresql"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
}

start_rabbitmq() {
    rabbitmq-server -detached
}

start_redis() {
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 \
        --save "" --appendonly no --dir /var/lib/redis \
        --logfile /var/log/redis/ci.log
}

# ensure NAME PORT READY_FN START_FN TIMEOUT_S LOG_HINT
ensure() {
    local name=$1 port=$2 ready=$3 start=$4 limit=$5 hint=$6 waited=0
    if tcp_open "$port" && "$ready"; then
        say "$name: up on $HOST:$port"
        return
    fi
    say "$name: not answering on $HOST:$port, starting it"
    "$start" || die "$name: the start command failed (see $hint)"
    until tcp_open "$port" && "$ready"; do
        if (( waited >= limit )); then
            die "$name: still not answering on $HOST:$port after" \
                "${limit} s (see $hint)"
        fi
        sleep 1
        waited=$((waited + 1))
    done
    say "$name: started, up on $HOST:$port after ${waited} s"
}

ensure_mariadb_db() {
    local exists
    exists=$(mariadb -uroot -h"$HOST" -N -e \
        "SHOW DATABASES LIKE '$TEST_DB'") || return 1
    if [[ -n $exists ]]; then
        say "mariadb: database $TEST_DB exists"
        return
    fi
    mariadb -uroot -h"$HOST" -e "CREATE DATABASE IF NOT EXISTS $TEST_DB
        CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci" || return 1
    say "mariadb: created database $TEST_DB"
}

ensure_postgres_db() {
    local exists
    exists=$(psql -h "$HOST" -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$TEST_DB'") || return 1
    if [[ $exists == 1 ]]; then
        say "postgresql: database $TEST_DB exists"
        return
    fi
    psql -h "$HOST" -U postgres -d postgres -q -v ON_ERROR_STOP=1 -c \
        "CREATE DATABASE $TEST_DB OWNER postgres ENCODING 'UTF8'" \
        || return 1
    say "postgresql: created database $TEST_DB"
}

# The btrfs driver's tests make a loop-mounted btrfs image with
# mkfs.btrfs (Debian's btrfs-progs); install it when missing.
# Debian packages the tests need: mkfs.btrfs (btrfs-progs) for the btrfs
# driver's loop-mounted image, shellcheck for the shell scripts and the
# devstack plugin.  Installed when missing.
ensure_debian_tools() {
    local missing=()
    command -v mkfs.btrfs >/dev/null 2>&1 || missing+=(btrfs-progs)
    command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
    (( ${#missing[@]} )) || return 0
    [[ $(id -u) == 0 ]] || die "missing ${missing[*]}: install them"
    say "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
        || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" \
        >/dev/null || die "cannot install ${missing[*]}"
}

ensure_debian_tools
ensure MariaDB 3306 mariadb_ready start_mariadb 60 \
    "/var/log/mysql/ and journal output"
ensure PostgreSQL 5432 postgres_ready start_postgresql 60 \
    "/var/log/postgresql/"
ensure RabbitMQ 5672 amqp_ready start_rabbitmq 90 "/var/log/rabbitmq/"
ensure Redis 6379 redis_ready start_redis 30 "/var/log/redis/ci.log"
ensure_mariadb_db || die "mariadb: cannot create database $TEST_DB"
ensure_postgres_db || die "postgresql: cannot create database $TEST_DB"
say "all services ready"
