#!/usr/bin/env bash
# Provision the PostgreSQL+PostGIS and Redis that GridOps runs against.
#
#   scripts/services.sh ensure-python [PYTHON]   a Python >= 3.11 that can make a virtualenv
#   scripts/services.sh ensure-packages          PostgreSQL, PostGIS, Redis, CJK fonts from Debian
#   scripts/services.sh ensure-test-packages     Chromium and poppler-utils, for the test suite
#   scripts/services.sh start                    private instances under var/, idempotent
#   scripts/services.sh stop [postgres|redis]…   stop what start started (all by default)
#   scripts/services.sh status [postgres|redis]… exit 0 if all named are up (or external)
#   scripts/services.sh env [--test]             `export` lines for DATABASE_URL, REDIS_URL, TEST_*
#
# The private instances never touch the system ones: their own ports, data, sockets, pid files and
# logs, all under var/. A given DATABASE_URL or REDIS_URL means "use that server", and the matching
# private instance is then neither started nor stopped. See docs/operations.md.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
var=$root/var
pg_port=${GRIDOPS_PG_PORT:-55432}
redis_port=${GRIDOPS_REDIS_PORT:-56379}
timeout=${GRIDOPS_SERVICES_TIMEOUT:-30}
pg_dir=$var/pg
pg_data=$pg_dir/data
pg_run=$pg_dir/run
pg_log=$pg_dir/postgresql.log
redis_dir=$var/redis
redis_pidfile=$redis_dir/redis.pid
redis_log=$redis_dir/redis.log
databases=(gridops gridops_test gridops_test_restore)  # the last: tests/faults/test_backup.py restores into it
runtime_role=gridops_app  # what `make run` serves as; it owns nothing (docs/operations.md)

say() { echo "services: $*" >&2; }
die() { say "$*"; exit 1; }

private_pg() { [[ -z ${DATABASE_URL:-} ]]; }
private_redis() { [[ -z ${REDIS_URL:-} ]]; }
port_taken() { (: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# --- packages -------------------------------------------------------------------------------------

# Install Debian packages when we may; otherwise print the exact command and fail.
apt_install() {
    if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
        say "installing $*"
        apt-get update -q
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
    else
        say "missing packages; install them with:"
        echo "    sudo apt-get update && sudo apt-get install -y $*" >&2
        exit 1
    fi
}

ensure_python() {
    local python=${1:-python3}
    if ! command -v "$python" >/dev/null; then
        [[ $python == python3 ]] || die "$python not found (PYTHON=$python)"
        apt_install python3 python3-venv
    fi
    "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
        die "$python is $("$python" -V 2>&1); GridOps needs Python 3.11 or newer (set PYTHON=…)"
    # Debian splits venv/ensurepip out of python3; `python3 -m venv` fails without them.
    "$python" -c 'import ensurepip, venv' 2>/dev/null || apt_install python3-venv
}

# The newest installed PostgreSQL major, preferring one that already has PostGIS.
installed_pg_major() {
    local dir major best=
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do
        major=$(basename "$(dirname "$dir")")
        [[ -x $dir/initdb ]] || continue
        if has_postgis "$major" || [[ -z $best ]] || ! has_postgis "$best"; then best=$major; fi
    done
    echo "$best"
}

has_postgis() { [[ -f /usr/share/postgresql/$1/extension/postgis.control ]]; }

# The major the distribution's `postgresql` package would install (empty without apt lists).
candidate_pg_major() {
    apt-cache depends postgresql 2>/dev/null | sed -n 's/.*Depends: postgresql-\([0-9]\+\)$/\1/p' | head -1
}

ensure_packages() {
    local missing=() major
    if private_redis && ! command -v redis-server >/dev/null; then missing+=(redis-server); fi
    if private_pg; then
        major=$(installed_pg_major)
        if [[ -z $major ]]; then
            missing+=(postgresql)
            major=$(candidate_pg_major)
        fi
        if [[ -z $major ]]; then
            missing+=(postgresql-postgis)   # Debian's metapackage for the default major
        elif ! has_postgis "$major"; then
            missing+=("postgresql-$major-postgis-3")
        fi
    fi
    # Report PDFs embed a CJK font; without one, Chinese would not render.
    fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || missing+=(fonts-noto-cjk)
    if ((${#missing[@]})); then apt_install "${missing[@]}"; fi
    # Installing `postgresql` on a machine without apt lists only now tells us the major.
    if private_pg && ! has_postgis "$(installed_pg_major)"; then
        apt_install "postgresql-$(installed_pg_major)-postgis-3"
    fi
}

# What only the test suite needs: Chromium for the browser tests, pdftotext to read PDFs.
ensure_test_packages() {
    local missing=()
    command -v chromium >/dev/null || missing+=(chromium)
    command -v pdftotext >/dev/null || missing+=(poppler-utils)
    if ((${#missing[@]})); then apt_install "${missing[@]}"; fi
}

# --- PostgreSQL -----------------------------------------------------------------------------------

# initdb and pg_ctl refuse to run as root: as root, the cluster belongs to the `postgres` user.
as_pg() {
    if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_bin() {
    local major
    if [[ -f $pg_data/PG_VERSION ]]; then
        major=$(<"$pg_data/PG_VERSION")
        [[ -x /usr/lib/postgresql/$major/bin/pg_ctl ]] ||
            die "var/pg was made by PostgreSQL $major, which is not installed; 'make clean' to start afresh"
    else
        major=$(installed_pg_major)
        [[ -n $major ]] || die "PostgreSQL is not installed; run: scripts/services.sh ensure-packages"
    fi
    echo "/usr/lib/postgresql/$major/bin"
}

pg_running() {
    [[ -f $pg_data/PG_VERSION ]] && as_pg "$(pg_bin)/pg_ctl" status -D "$pg_data" >/dev/null 2>&1
}

prepare_pg_dir() {
    mkdir -p "$pg_dir"
    if [[ $EUID -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || die "no 'postgres' user to run PostgreSQL as; install the postgresql package"
        chown postgres: "$pg_dir"
        runuser -u postgres -- test -w "$pg_dir" ||
            die "the postgres user cannot reach $pg_dir: a parent folder is closed to other users" \
                "(e.g. /root). Clone GridOps somewhere world-traversable, or set DATABASE_URL."
    fi
}

init_pg() {
    say "creating a PostgreSQL cluster in var/pg/data"
    as_pg "$(pg_bin)/initdb" -D "$pg_data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$pg_dir/initdb.log" ||
        die "initdb failed; see $pg_dir/initdb.log"
    # Only loopback TCP and the private socket, both without passwords: a development cluster.
    as_pg tee "$pg_data/pg_hba.conf" >/dev/null <<'EOF'
# Written by scripts/services.sh: a private development cluster.
local all all              trust
host  all all 127.0.0.1/32 trust
EOF
    echo "include 'gridops.conf'" | as_pg tee -a "$pg_data/postgresql.conf" >/dev/null
}

# Rewritten at every start so a new GRIDOPS_PG_PORT or a moved checkout takes effect.
write_pg_conf() {
    local sockets=$pg_run
    # A Unix socket path is limited to 107 bytes; past that, TCP only.
    if ((${#pg_run} + 18 > 107)); then sockets=; say "project path too long for a socket; TCP only"; fi
    as_pg mkdir -p -m 0700 "$pg_run"
    as_pg tee "$pg_data/gridops.conf" >/dev/null <<EOF
# Written by scripts/services.sh at every start; edit the script, not this file.
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$sockets'
unix_socket_permissions = 0700
# Throwaway development data: trade crash safety for speed ('make clean' recovers).
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
}

psql_admin() {
    "$(pg_bin)/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -X -q -A -t -v ON_ERROR_STOP=1 "$@"
}

start_pg() {
    prepare_pg_dir
    [[ -f $pg_data/PG_VERSION ]] || init_pg
    if ! pg_running; then
        port_taken "$pg_port" && die "port $pg_port is taken by another program; set GRIDOPS_PG_PORT"
        write_pg_conf
        say "starting PostgreSQL on 127.0.0.1:$pg_port (log: var/pg/postgresql.log)"
        as_pg "$(pg_bin)/pg_ctl" start -D "$pg_data" -l "$pg_log" -w -t "$timeout" -s 9>&- ||
            die "PostgreSQL did not start; see $pg_log"
    fi
    wait_for "PostgreSQL on 127.0.0.1:$pg_port" "$pg_log" \
        "$(pg_bin)/pg_isready" -q -h 127.0.0.1 -p "$pg_port" -U postgres -t 1
    create_databases
}

create_databases() {
    local db
    [[ -n $(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = 'gridops'") ]] ||
        psql_admin -c "CREATE ROLE gridops LOGIN"
    # gridops owns the tables; CREATEROLE lets tests/security make a throwaway runtime role.
    psql_admin -c "ALTER ROLE gridops CREATEROLE"
    # The runtime role; scripts/run.sh grants it with `gridops db grant-runtime`.
    [[ -n $(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$runtime_role'") ]] ||
        psql_admin -c "CREATE ROLE $runtime_role LOGIN"
    for db in "${databases[@]}"; do
        [[ -n $(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$db'") ]] ||
            psql_admin -c "CREATE DATABASE $db OWNER gridops"
        # PostGIS is not a trusted extension: the superuser creates it so the migrations need not.
        psql_admin -d "$db" -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS postgis"
    done
}

stop_pg() {
    pg_running || return 0
    say "stopping PostgreSQL"
    as_pg "$(pg_bin)/pg_ctl" stop -D "$pg_data" -m fast -w -t "$timeout" -s
}

# --- Redis ----------------------------------------------------------------------------------------

redis_pid() {
    local pid
    [[ -f $redis_pidfile ]] || return 1
    pid=$(<"$redis_pidfile")
    # A stale pid file may name an unrelated process by now.
    [[ -n $pid ]] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q redis-server && echo "$pid"
}

start_redis() {
    mkdir -p "$redis_dir"
    if ! redis_pid >/dev/null; then
        port_taken "$redis_port" && die "port $redis_port is taken by another program; set GRIDOPS_REDIS_PORT"
        say "starting Redis on 127.0.0.1:$redis_port (log: var/redis/redis.log)"
        # Queues only: jobs whose deadlines matter are rows in PostgreSQL, so no persistence.
        redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --protected-mode yes \
            --dir "$redis_dir" --pidfile "$redis_pidfile" --logfile "$redis_log" \
            --save '' --appendonly no 9>&-
    fi
    wait_for "Redis on 127.0.0.1:$redis_port" "$redis_log" redis_answers
}

redis_answers() { [[ $(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null) == PONG ]]; }

stop_redis() {
    local pid waited=0
    pid=$(redis_pid) || return 0
    say "stopping Redis"
    kill -TERM "$pid"
    while kill -0 "$pid" 2>/dev/null; do
        ((waited++ < timeout * 10)) || die "Redis (pid $pid) did not stop within ${timeout}s"
        sleep 0.1
    done
}

# --- common ---------------------------------------------------------------------------------------

wait_for() {
    local what=$1 log=$2 deadline=$((SECONDS + timeout))
    shift 2
    until "$@"; do
        ((SECONDS < deadline)) || die "$what did not answer within ${timeout}s; see $log"
        sleep 0.2
    done
}

# One start or stop at a time: two `make test` runs in one checkout must not both initdb.
# The daemons are started with fd 9 closed, or they would hold the lock for their lifetime.
lock() {
    mkdir -p "$var"
    exec 9>"$var/.services.lock"
    flock 9
}

selected() {
    local want=$1
    shift
    (($# == 0)) && return 0
    [[ " $* " == *" $want "* ]]
}

status() {
    local ok=0
    if selected postgres "$@"; then
        if ! private_pg; then echo "postgres: external (DATABASE_URL)"
        elif pg_running; then echo "postgres: running on 127.0.0.1:$pg_port (var/pg)"
        else echo "postgres: stopped"; ok=1; fi
    fi
    if selected redis "$@"; then
        if ! private_redis; then echo "redis: external (REDIS_URL)"
        elif redis_pid >/dev/null; then echo "redis: running on 127.0.0.1:$redis_port (var/redis)"
        else echo "redis: stopped"; ok=1; fi
    fi
    return $ok
}

print_env() {
    local pg=postgresql+psycopg://gridops@127.0.0.1:$pg_port redis=redis://127.0.0.1:$redis_port
    local database_url=${DATABASE_URL:-$pg/gridops} redis_url=${REDIS_URL:-$redis/0}
    local test_database_url=${TEST_DATABASE_URL:-} test_redis_url=${TEST_REDIS_URL:-}
    # Tests empty their database and flush their Redis db: never guess those on a given server.
    if private_pg; then test_database_url=${test_database_url:-$pg/gridops_test}; fi
    if private_redis; then test_redis_url=${test_redis_url:-$redis/1}; fi
    if [[ ${1:-} == --test ]]; then
        [[ -n $test_database_url ]] || die "DATABASE_URL is given, so set TEST_DATABASE_URL too (tests wipe it)"
        [[ -n $test_redis_url ]] || die "REDIS_URL is given, so set TEST_REDIS_URL too (tests flush it)"
    fi
    printf 'export DATABASE_URL=%q\n' "$database_url"
    # The private cluster also has the role the web app and the worker run as (scripts/run.sh).
    if private_pg; then
        printf 'export GRIDOPS_RUNTIME_ROLE=%q\n' "$runtime_role"
        printf 'export GRIDOPS_RUNTIME_DATABASE_URL=%q\n' \
            "postgresql+psycopg://$runtime_role@127.0.0.1:$pg_port/gridops"
    fi
    printf 'export REDIS_URL=%q\n' "$redis_url"
    [[ -z $test_database_url ]] || printf 'export TEST_DATABASE_URL=%q\n' "$test_database_url"
    [[ -z $test_redis_url ]] || printf 'export TEST_REDIS_URL=%q\n' "$test_redis_url"
}

main() {
    local command=${1:-}
    shift || true
    case $command in
        ensure-python) ensure_python "$@" ;;
        ensure-packages) ensure_packages ;;
        ensure-test-packages) ensure_test_packages ;;
        start)
            lock
            if private_pg; then start_pg; fi
            if private_redis; then start_redis; fi
            ;;
        stop)
            lock
            if selected postgres "$@"; then stop_pg; fi
            if selected redis "$@"; then stop_redis; fi
            ;;
        status) status "$@" ;;
        env) print_env "$@" ;;
        *) sed -n '2,11s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
    esac
}

main "$@"
