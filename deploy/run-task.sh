#!/usr/bin/env bash
# Run one periodic task of the shop (called by ocop-task@<name>.service, or by hand).
#   deploy/run-task.sh mail-send | orders-expire-reservations | kiosk-expire-pickups |
#                      certificates-remind | backup
set -euo pipefail
cd "$(dirname "$0")/.."
FLASK=(.venv/bin/flask --app wsgi)
case "${1:-}" in
  mail-send) exec "${FLASK[@]}" mail send ;;
  orders-expire-reservations) exec "${FLASK[@]}" orders expire-reservations ;;
  kiosk-expire-pickups) exec "${FLASK[@]}" kiosk expire-pickups ;;
  certificates-remind) exec "${FLASK[@]}" certificates remind ;;
  backup) exec deploy/backup.sh ;;
  *) echo "unknown task: ${1:-<none>}" >&2; exit 2 ;;
esac
