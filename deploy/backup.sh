#!/usr/bin/env bash
# Back up the shop's database: a pg_dump in custom format (compressed, restorable table by
# table), written atomically, kept BACKUP_KEEP_DAYS days (default 14). Photos and certificate
# scans are files: copy MEDIA_ROOT and CERTIFICATE_SCAN_ROOT with the volume's own snapshots or
# rsync (docs/deploy.md). The search index needs no backup: it is rebuilt from the database.
#   DATABASE_URL=postgresql://... BACKUP_DIR=/srv/ocop/backups deploy/backup.sh
set -euo pipefail
: "${DATABASE_URL:?DATABASE_URL must be set}"
BACKUP_DIR="${BACKUP_DIR:-/srv/ocop/backups}"
KEEP_DAYS="${BACKUP_KEEP_DAYS:-14}"
mkdir -p "$BACKUP_DIR"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
target="$BACKUP_DIR/ocop-$stamp.dump"
pg_dump --format=custom --no-owner --no-privileges --file="$target.part" "${DATABASE_URL/postgresql+psycopg:/postgresql:}"
pg_restore --list "$target.part" >/dev/null  # a dump that cannot be listed is no backup
mv "$target.part" "$target"
find "$BACKUP_DIR" -name 'ocop-*.dump' -mtime "+$KEEP_DAYS" -delete
echo "$target"
