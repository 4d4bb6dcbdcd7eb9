#!/usr/bin/env bash
# Back up and restore GridOps: the database (pg_dump, custom format) and the photo and report
# folders (tar). docs/operations.md, "Backups", explains when and how.
#
#   scripts/backup.sh backup DEST     write DEST/gridops-<UTC time>/ and print its path
#   scripts/backup.sh restore FOLDER  restore FOLDER into an empty database and the folders
#
# It reads the app's settings: DATABASE_URL, GRIDOPS_UPLOAD_DIR and GRIDOPS_REPORT_DIR.
set -euo pipefail

database_url=${DATABASE_URL:-postgresql+psycopg://gridops@127.0.0.1:55432/gridops}
uploads=${GRIDOPS_UPLOAD_DIR:-var/uploads}
reports=${GRIDOPS_REPORT_DIR:-var/reports}
# libpq reads the URL SQLAlchemy uses once the driver name is gone.
pg_url=${database_url/postgresql+psycopg:/postgresql:}

say() { echo "backup: $*" >&2; }
die() { say "$*"; exit 1; }

backup() {
    local dest=$1 out
    out=$dest/gridops-$(date -u +%Y%m%dT%H%M%SZ)
    mkdir -p "$out"
    # The database first: a photo or report file is written before its row commits and never
    # deleted, so every row in the dump finds its file in the copies taken after it.
    pg_dump --format=custom --file="$out/database.dump" "$pg_url"
    pg_restore --list "$out/database.dump" >/dev/null  # readable, or fail now
    for name in uploads reports; do
        local dir=${!name}
        mkdir -p "$dir"
        tar -C "$dir" -cf "$out/$name.tar" .
    done
    (cd "$out" && sha256sum database.dump uploads.tar reports.tar >SHA256SUMS)
    say "wrote $out"
    echo "$out"
}

restore() {
    local from=$1 list tables
    [[ -f $from/SHA256SUMS ]] || die "$from is not a backup folder (no SHA256SUMS)"
    (cd "$from" && sha256sum --quiet --check SHA256SUMS) || die "$from is damaged: checksums differ"
    tables=$(psql "$pg_url" -XAtc "SELECT count(*) FROM pg_tables
                                   WHERE schemaname = 'public' AND tablename <> 'spatial_ref_sys'")
    [[ $tables == 0 ]] || die "the database is not empty ($tables tables): restore into a new one"
    psql "$pg_url" -XAtc "SELECT 1 FROM pg_extension WHERE extname = 'postgis'" | grep -q 1 ||
        die "the database has no PostGIS: as a superuser, CREATE EXTENSION postgis in it first"
    # PostGIS is there already (a superuser made it): leave out its entries, the extension
    # and its spatial_ref_sys (GridOps adds no coordinate systems to it), and restore the rest
    # as the connecting role, all or nothing.
    list=$(mktemp)
    trap 'rm -f "$list"' RETURN
    pg_restore --list "$from/database.dump" | grep -v -e ' EXTENSION - postgis' \
        -e ' COMMENT - EXTENSION postgis' -e ' TABLE DATA public spatial_ref_sys ' >"$list"
    pg_restore --use-list="$list" --no-owner --no-privileges --exit-on-error \
        --single-transaction --dbname="$pg_url" "$from/database.dump"
    for name in uploads reports; do
        local dir=${!name}
        mkdir -p "$dir"
        tar -C "$dir" -xf "$from/$name.tar"
    done
    say "restored $from"
}

case ${1:-} in
    backup) [[ $# == 2 ]] || die "usage: $0 backup DEST"; backup "$2" ;;
    restore) [[ $# == 2 ]] || die "usage: $0 restore FOLDER"; restore "$2" ;;
    *) die "usage: $0 backup DEST | restore FOLDER" ;;
esac
