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
cd "$app_dir"

as_app=()
if [ "$(id -u)" = 0 ] && [ -n "$app_user" ]; then
  as_app=(runuser -u "$app_user" --)
fi

# The same variables as the services: the env file, line by line (systemd
# syntax: NAME=value, no quotes, no shell expansion).
if [ ! -r "$env_file" ]; then
  echo "upgrade: fichier d'environnement illisible : $env_file" >&2
  exit 1
fi
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in
    '' | '#'* | ';'*) continue ;;
    *=*) export "${line%%=*}=${line#*=}" ;;
  esac
done <"$env_file"

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
