#!/usr/bin/env bash
# Install servicehall's systemd units on a node.
#   sudo systemd/install.sh --role controller|kiosk|display|screen|bridge|terminal|console \
#        [--window W03] [--config hall.yaml] [--secret NODE.secret] [--prefix /opt/servicehall]
#        [--user servicehall]
# --secret is the node's MQTT password file from the controller's `hall broker config` output
# (credentials/<node>.secret); units read it with LoadCredential (the node id is the host
# name, or display-<window> for a window display).
# The controller role also writes the hall's Mosquitto config (per-node passwords and ACLs)
# and has the system's mosquitto.service run it (a drop-in replacing its ExecStart).
# --dest DIR renders the units into DIR without touching the system (used by the tests).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
prefix=$(cd "$here/.." && pwd)
user=servicehall
role=""
window=""
config=""
dest=""
secret=""
while [ $# -gt 0 ]; do
  case "$1" in
    --role) role=$2; shift 2 ;;
    --window) window=$2; shift 2 ;;
    --config) config=$2; shift 2 ;;
    --prefix) prefix=$2; shift 2 ;;
    --user) user=$2; shift 2 ;;
    --dest) dest=$2; shift 2 ;;
    --secret) secret=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

render() {  # unit-file -> rendered text on stdout
  sed -e "s#@PREFIX@#${prefix}#g" -e "s#@USER@#${user}#g" "$1"
}

if [ -n "$dest" ]; then
  mkdir -p "$dest"
  for unit in "$here"/servicehall-*.service; do
    render "$unit" > "$dest/$(basename "$unit")"
  done
  exit 0
fi

[ -n "$role" ] || { echo "--role is required" >&2; exit 2; }
unit="servicehall-${role}.service"
[ "$role" = display ] && unit="servicehall-display@.service"
[ -f "$here/$unit" ] || { echo "no unit for role $role" >&2; exit 2; }

id -u "$user" >/dev/null 2>&1 || useradd --system --home-dir /var/lib/servicehall --shell /usr/sbin/nologin "$user"
install -d -m 0755 /etc/servicehall
if [ -n "$config" ]; then
  "$prefix/.venv/bin/hall" config check "$config"
  install -m 0640 -g "$user" "$config" /etc/servicehall/hall.yaml
fi
render "$here/$unit" > "/etc/systemd/system/$unit"
if [ -n "$secret" ]; then
  node=$(hostname)
  [ "$role" = display ] && node="display-${window}"
  [ "$role" = console ] && node=console
  install -d -m 0700 /etc/servicehall/credentials
  install -m 0600 "$secret" "/etc/servicehall/credentials/${node}.secret"
fi

if [ "$role" = controller ]; then
  # Written as root: the password and ACL files and the persistence directory (data/) go to
  # the mosquitto user, whom Mosquitto drops to, so it can read them and save retained state.
  "$prefix/.venv/bin/hall" broker config --config /etc/servicehall/hall.yaml --out /etc/servicehall/broker
  chown -R "$user" /etc/servicehall/broker/credentials
  # Mosquitto runs the generated config alone: as a conf.d drop-in it would repeat
  # Debian's persistence_location, which Mosquitto 2 refuses ("Duplicate ... value").
  rm -f /etc/mosquitto/conf.d/servicehall.conf
  install -d -m 0755 /etc/systemd/system/mosquitto.service.d
  printf '[Service]\nExecStart=\nExecStart=/usr/sbin/mosquitto -c %s\n' \
    /etc/servicehall/broker/mosquitto.conf > /etc/systemd/system/mosquitto.service.d/servicehall.conf
  systemctl daemon-reload
  systemctl restart mosquitto
fi

if [ "$role" = console ] && [ -z "$secret" ] && [ -f /etc/servicehall/broker/credentials/console.secret ]; then
  # On the controller's board: the console node's secret from `hall broker config`.
  install -d -m 0700 /etc/servicehall/credentials
  install -m 0600 /etc/servicehall/broker/credentials/console.secret /etc/servicehall/credentials/console.secret
fi

systemctl daemon-reload
if [ "$role" = display ]; then
  [ -n "$window" ] || { echo "--window is required for a display" >&2; exit 2; }
  systemctl enable --now "servicehall-display@${window}.service"
else
  systemctl enable --now "$unit"
fi
