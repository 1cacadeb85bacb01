#!/usr/bin/env bash
# Upgrade Binôme in place, without dropping a request (README « Mise en
# production », « Mettre à jour »). Run as the binome user, or as root, after
# the new code is in place (git pull, or a new release unpacked), as root:
#
#   sudo /srv/binome/deploy/upgrade.sh
#
# It also serves the first installation: services that are not running yet
# are left alone (systemctl try-…). The build steps run as the binome user.
#
# 1. installs the pinned dependencies and compiles the translations;
# 2. applies the migrations and collects the static files (the old hashed
#    files stay, so pages still served by old workers find theirs);
# 3. refuses to go on if `check --deploy` reports anything;
# 4. reloads gunicorn with HUP: new workers start with the new code while
#    the old ones finish their requests; the socket never closes;
# 5. restarts the task worker (it finishes its current task first).
#
# Tested by binome/tests/test_production_smoke.py, which replaces the two
# systemctl commands with signals to its own processes.
set -euo pipefail

app_dir="${BINOME_DIR:-$(cd "$(dirname "$0")/.." && pwd)}"
env_file="${BINOME_ENV_FILE:-/etc/binome/binome.env}"
install="${BINOME_INSTALL:-scripts/bootstrap}"
reload_web="${BINOME_RELOAD_WEB:-systemctl try-reload-or-restart binome-web.service}"
restart_worker="${BINOME_RESTART_WORKER:-systemctl try-restart binome-worker.service}"
app_user="${BINOME_USER-binome}"  # empty: the steps run as whoever runs this

# The same variables as the services: deploy/binome-env reads the env file
# as systemd does, and runs this script again with them.
if [ "${BINOME_ENV_LOADED:-}" != "$env_file" ]; then
  export BINOME_ENV_FILE="$env_file"
  exec "$app_dir/deploy/binome-env" "$app_dir/deploy/upgrade.sh" "$@"
fi
cd "$app_dir"

as_app=()
if [ "$(id -u)" = 0 ] && [ -n "$app_user" ]; then
  as_app=(runuser -u "$app_user" --)
fi

step() { printf '== %s\n' "$*"; }
manage() { "${as_app[@]}" .venv/bin/python manage.py "$@"; }

step "dépendances et traductions ($install)"
"${as_app[@]}" $install
step "migrations"
manage migrate --no-input
step "fichiers statiques"
manage collectstatic --no-input --verbosity 0
step "vérification de la configuration (check --deploy)"
manage check --deploy --fail-level WARNING
step "rechargement du serveur web ($reload_web)"
$reload_web
step "redémarrage du worker ($restart_worker)"
$restart_worker
step "mise à jour terminée"
