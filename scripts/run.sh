#!/usr/bin/env bash
# Run GridOps in the foreground (what `make run` does after installing):
# services, migrations, demo data, then the web app and one worker until Ctrl-C,
# which stops everything this script started, including the private PostgreSQL and Redis.
set -euo pipefail
cd "$(dirname "$0")/.."

services=scripts/services.sh
bin=.venv/bin
port=${PORT:-5000}
started=()   # private services this run started, and so stops again
children=()  # the web app and the worker

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if ((${#children[@]})); then
        echo "run: stopping the web app and the worker" >&2
        kill -TERM "${children[@]}" 2>/dev/null || true
        wait "${children[@]}" 2>/dev/null || true
    fi
    if ((${#started[@]})); then "$services" stop "${started[@]}"; fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$services" ensure-packages
for service in postgres redis; do
    "$services" status "$service" >/dev/null || started+=("$service")
done
"$services" start
eval "$("$services" env)"

"$bin/gridops" db upgrade
if [[ ${GRIDOPS_DEMO:-1} != 0 ]]; then "$bin/gridops" demo seed --if-empty; fi
# Migrations and the demo ran as the owner of the tables; the web app and the worker run as a
# role that owns nothing, so they cannot rewrite the event log (docs/operations.md).
if [[ -n ${GRIDOPS_RUNTIME_DATABASE_URL:-} ]]; then
    "$bin/gridops" db grant-runtime "$GRIDOPS_RUNTIME_ROLE"
    export DATABASE_URL=$GRIDOPS_RUNTIME_DATABASE_URL
fi

"$bin/gunicorn" -c gunicorn.conf.py "gridops:create_app()" &
children+=($!)
"$bin/python" worker.py &
children+=($!)

# Announce the URL once the web app accepts connections, not before.
for _ in $(seq 100); do
    if (: <"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "run: GridOps is serving on http://127.0.0.1:$port (Ctrl-C stops it)" >&2
        break
    fi
    kill -0 "${children[0]}" 2>/dev/null || break
    sleep 0.2
done

# Either process ending on its own ends the run; cleanup stops the other.
wait -n "${children[@]}"
