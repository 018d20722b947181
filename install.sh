#!/usr/bin/env bash
# install.sh: set motcua up from this checkout on Debian 12 or Raspberry Pi OS Bookworm (64-bit).
#
#   ./install.sh                 the demo: system packages and a virtual environment in ./.venv
#   ./install.sh dev             the demo plus what the test suite needs (Chromium, PostgreSQL...)
#   sudo ./install.sh ROLE...    a centre machine, one or more roles:
#     server           display server, database, daily backup   (motcua-server, motcua-backup.timer,
#                      and a fresh server process each night: motcua-server-restart.timer)
#     kiosk            touch kiosk and its ticket printer        (motcua-kiosk)
#     screen           hall or counter screen: Chromium kiosk    (motcua-screen)
#     rating-station   satisfaction buttons on GPIO              (motcua-rating-station)
#
# Options:
#   --dry-run            print every action and change nothing (works without root too)
#   --server HOST[:PORT] where the server is, for kiosk, screen and rating-station
#                        (default: this machine if it has the server role, else motcua.local)
#   --url URL            the page a screen shows (default: http://SERVER:8080/display)
#   --config FILE        make /etc/motcua/motcua.toml from FILE (e.g. a copy of the server's)
#                        instead of config/demo.toml; only when there is no config yet
#   --printer VID:PID    a USB ticket printer's ids (from lsusb): udev rule, new config's printer
#   --kiosk-id ID        which kiosk of the config's [[devices]] this machine is (new config)
#   --station-id ID      which rating station of the config's [[devices]] this machine is
#   --root DIR           write files under DIR and run no system commands (tests, images)
#   -h, --help           this text
#
# Safe to run again: it upgrades motcua in place and never overwrites the config or the data.
set -euo pipefail

SRC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$SRC_DIR"

# --- where things go on a centre machine ------------------------------------------------------
APP_DIR=/opt/motcua                 # virtual environment with motcua, helper scripts, docs
CONF_DIR=/etc/motcua
CONF_FILE=$CONF_DIR/motcua.toml     # the centre config (never overwritten)
DATA_DIR=/var/lib/motcua            # database, backups, outbox, browser profile
UNIT_DIR=/etc/systemd/system
UDEV_DIR=/etc/udev/rules.d
PAM_DIR=/etc/pam.d
BIN_LINK=/usr/local/bin/motcua
SERVICE_USER=motcua
DEFAULT_PORT=8080
STAGE_DIR="${TMPDIR:-/tmp}/motcua-install-src"

# System packages per role ("a|b": the first one this system's apt knows).
PKG_BASE=(python3 python3-venv ca-certificates fonts-dejavu-core)
PKG_SERVER=(espeak-ng sox sqlite3)
PKG_KIOSK=(cage xwayland kbd libmtdev1 libgl1 libegl1 libgles2 libusb-1.0-0)
PKG_SCREEN=(cage kbd "chromium|chromium-browser" alsa-utils)
PKG_RATING=()                       # gpiozero and lgpio come as pip wheels
# The demo runs the kiosk too: Kivy's libraries, Mesa for drawing (offscreen without a display).
PKG_DEMO=(fonts-dejavu-core espeak-ng sox libmtdev1 libgl1 libegl1 libegl-mesa0 libgl1-mesa-dri
          libglx-mesa0 libgbm1)
PKG_DEV=(chromium postgresql shellcheck debootstrap systemd-container)

# Groups the service user joins when this system has them.
GROUPS_SERVER=()
GROUPS_KIOSK=(lp dialout video render input audio gpio)
GROUPS_SCREEN=(video render input audio)
GROUPS_RATING=(gpio)

DRY_RUN=0
ROOT=""
ROLES=()
SERVER=""
URL=""
CONFIG_SRC=""
PRINTER_ID=""
KIOSK_ID=""
STATION_ID=""
CONFIG_CREATED=0

# --- output -------------------------------------------------------------------------------------
say()  { printf '\033[1m==> %s\033[0m\n' "$*"; }
note() { printf '    %s\n' "$*"; }
warn() { printf 'install.sh: warning: %s\n' "$*" >&2; }
die()  { printf 'install.sh: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

# A command as it would be typed (arguments with odd characters quoted).
show_cmd() {
  local a out=()
  for a in "$@"; do
    if [[ "$a" =~ ^[][A-Za-z0-9_./:=,@%+^-]+$ ]]; then
      out+=("$a")
    elif [[ "$a" != *[\"\$\`\\]* ]]; then
      out+=("\"$a\"")
    else
      out+=("'${a//\'/\'\\\'\'}'")
    fi
  done
  printf '%s' "${out[*]}"
}

# --- every action goes through run ----------------------------------------------------------------
# run CMD...: print the command, then run it (not with --dry-run).
run() {
  printf '+ %s\n' "$(show_cmd "$@")"
  [ "$DRY_RUN" = 1 ] && return 0
  "$@"
}

# run_sys CMD...: a change outside motcua's own files (apt, users, pip, systemd, udev): like run,
# and also skipped with --root.
run_sys() {
  if [ -n "$ROOT" ]; then
    printf '+ %s   # skipped: --root\n' "$(show_cmd "$@")"
    return 0
  fi
  run "$@"
}

# path P: where P lives (under --root DIR when given).
path() { printf '%s%s' "$ROOT" "$1"; }

# make_dir DIR MODE OWNER GROUP
make_dir() {
  if [ -n "$ROOT" ]; then
    run install -d -m "$2" "$(path "$1")"
  else
    run install -d -m "$2" -o "$3" -g "$4" "$1"
  fi
}

# put_file SRC DEST MODE [OWNER GROUP]: install a file from this checkout.
put_file() {
  local owner=${4:-root} group=${5:-root}
  if [ -n "$ROOT" ]; then
    run install -D -m "$3" "$1" "$(path "$2")"
  else
    run install -D -m "$3" -o "$owner" -g "$group" "$1" "$2"
  fi
}

# write_file DEST MODE OWNER GROUP < CONTENT: write generated text (shown in full with --dry-run).
write_file() {
  local dest=$1 mode=$2 owner=$3 group=$4 content target
  content=$(cat)
  printf '+ write %s (mode %s, %s:%s)\n' "$dest" "$mode" "$owner" "$group"
  if [ "$DRY_RUN" = 1 ]; then
    printf '%s\n' "$content" | sed 's/^/|   /'
    return 0
  fi
  target=$(path "$dest")
  mkdir -p "$(dirname "$target")"
  printf '%s\n' "$content" >"$target.new"
  chmod "$mode" "$target.new"
  [ -n "$ROOT" ] || chown "$owner:$group" "$target.new"
  mv -f "$target.new" "$target"
}

# --- arguments ----------------------------------------------------------------------------------
parse_args() {
  while [ $# -gt 0 ]; do
    case "$1" in
      -h|--help) usage; exit 0 ;;
      --dry-run) DRY_RUN=1 ;;
      --server) SERVER=${2:?--server needs HOST[:PORT]}; shift ;;
      --server=*) SERVER=${1#*=} ;;
      --url) URL=${2:?--url needs a URL}; shift ;;
      --url=*) URL=${1#*=} ;;
      --config) CONFIG_SRC=${2:?--config needs a FILE}; shift ;;
      --config=*) CONFIG_SRC=${1#*=} ;;
      --printer) PRINTER_ID=${2:?--printer needs VID:PID}; shift ;;
      --printer=*) PRINTER_ID=${1#*=} ;;
      --kiosk-id) KIOSK_ID=${2:?--kiosk-id needs an ID}; shift ;;
      --kiosk-id=*) KIOSK_ID=${1#*=} ;;
      --station-id) STATION_ID=${2:?--station-id needs an ID}; shift ;;
      --station-id=*) STATION_ID=${1#*=} ;;
      --root) ROOT=${2:?--root needs a DIR}; shift ;;
      --root=*) ROOT=${1#*=} ;;
      demo|dev|server|kiosk|screen|rating-station) has_role "$1" || ROLES+=("$1") ;;
      *) printf 'install.sh: unknown role or option %s (roles: demo, dev, server, kiosk, screen, rating-station; --help)\n' "'$1'" >&2
         exit 2 ;;
    esac
    shift
  done
  [ ${#ROLES[@]} -gt 0 ] || ROLES=(demo)
  if { has_role demo || has_role dev; } && [ ${#ROLES[@]} -gt 1 ]; then
    die "demo and dev set up this checkout: use them alone, not with other roles"
  fi
  if has_role kiosk && has_role screen; then
    die "kiosk and screen both need the machine's display: give them one machine each"
  fi
  if [ -n "$ROOT" ]; then
    ROOT=$(realpath -m "$ROOT")
    [ "$ROOT" != / ] || ROOT=""
  fi
  if [ -n "$CONFIG_SRC" ]; then
    [ -f "$CONFIG_SRC" ] || die "--config: no such file: $CONFIG_SRC"
    CONFIG_SRC=$(cd "$(dirname "$CONFIG_SRC")" && pwd)/$(basename "$CONFIG_SRC")
  fi
  if [ -n "$PRINTER_ID" ]; then
    python3 "$SRC_DIR/deploy/install-helper.py" usb-id "$PRINTER_ID" >/dev/null || exit 2
  fi
}

has_role() {
  local r
  for r in "${ROLES[@]+"${ROLES[@]}"}"; do [ "$r" = "$1" ] && return 0; done
  return 1
}

# --- system packages ----------------------------------------------------------------------------
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

# pick_package "a|b": the first alternative that is installed, else the first apt can install.
pick_package() {
  local alt alts=()
  IFS='|' read -r -a alts <<<"$1"
  for alt in "${alts[@]}"; do installed "$alt" && { echo "$alt"; return; }; done
  if command -v apt-cache >/dev/null 2>&1; then
    for alt in "${alts[@]}"; do
      if apt-cache policy "$alt" 2>/dev/null | grep -q 'Candidate: [^(]'; then
        echo "$alt"
        return
      fi
    done
  fi
  echo "${alts[0]}"
}

# The demo and dev set-up: install only what is missing, with sudo when not root.
apt_install_missing() {
  local pkg missing=() sudo=()
  for pkg in "$@"; do installed "$pkg" || missing+=("$pkg"); done
  [ "$DRY_RUN" = 1 ] && note "system packages wanted: $* (missing: ${missing[*]:-none})"
  [ ${#missing[@]} -gt 0 ] || return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    warn "please install these packages yourself: ${missing[*]}"
    return 0
  fi
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  say "installing system packages: ${missing[*]}"
  run "${sudo[@]}" apt-get update -qq
  run "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
}

# A centre machine: install (or upgrade) every package its roles need.
apt_install_roles() {
  local spec pkgs=()
  local specs=("${PKG_BASE[@]}")
  has_role server && specs+=("${PKG_SERVER[@]}")
  has_role kiosk && specs+=("${PKG_KIOSK[@]}")
  has_role screen && specs+=("${PKG_SCREEN[@]}")
  has_role rating-station && specs+=("${PKG_RATING[@]+"${PKG_RATING[@]}"}")
  for spec in "${specs[@]}"; do
    spec=$(pick_package "$spec")
    [[ " ${pkgs[*]-} " == *" $spec "* ]] || pkgs+=("$spec")
  done
  say "system packages: ${pkgs[*]}"
  run_sys apt-get update
  run_sys env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${pkgs[@]}"
}

# --- checks -------------------------------------------------------------------------------------
check_python() {
  if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    die "motcua needs Python 3.11 or newer (found $(python3 --version 2>&1 || echo none))"
  fi
}

check_system() {
  local codename=""
  # shellcheck source=/dev/null
  [ -r /etc/os-release ] && codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  if [ "$codename" != bookworm ]; then
    warn "made for Debian 12 / Raspberry Pi OS Bookworm; this is '${codename:-unknown}': going on"
  fi
  if [ "$DRY_RUN" = 0 ] && [ -z "$ROOT" ] && [ "$(id -u)" -ne 0 ]; then
    die "the ${ROLES[*]} role needs root: sudo ./install.sh ${ROLES[*]} (or --dry-run to see the plan)"
  fi
}

# --- the demo and dev set-up (this checkout, ./.venv) ---------------------------------------------
install_checkout() {
  local pkgs=("${PKG_DEMO[@]}") extras more=() lines=()
  [ "${ROLES[0]}" = dev ] && pkgs+=("${PKG_DEV[@]}")
  python3 -m venv --help >/dev/null 2>&1 || pkgs+=(python3-venv)
  apt_install_missing "${pkgs[@]}"
  check_python
  mapfile -t lines < <(python3 "$SRC_DIR/deploy/install-helper.py" extras "${ROLES[0]}")
  extras=${lines[0]:-}
  more=("${lines[@]:1}")
  if [ ! -x .venv/bin/python ]; then
    say "creating the virtual environment in .venv"
    run python3 -m venv .venv
  fi
  local spec="."
  [ -n "$extras" ] && spec=".[$extras]"
  say "installing motcua${extras:+[$extras]} into .venv"
  run .venv/bin/python -m pip install --disable-pip-version-check -q -e "$spec" "${more[@]+"${more[@]}"}"
  say "ready: .venv/bin/motcua --help"
}

# --- a centre machine ---------------------------------------------------------------------------
needs_app() { has_role server || has_role kiosk || has_role rating-station; }

# The server this machine talks to, as host:port.
server_address() {
  local s=$SERVER
  if [ -z "$s" ]; then
    if has_role server || [ -e "$(path "$UNIT_DIR/motcua-server.service")" ]; then
      s=127.0.0.1
    else
      s=motcua.local
    fi
  fi
  [[ "$s" == *:* ]] || s="$s:$DEFAULT_PORT"
  printf '%s' "$s"
}

# This machine's address on the LAN (for the links printed on tickets).
primary_address() {
  local ip
  ip=$(hostname -I 2>/dev/null | awk '{print $1}') || true
  printf '%s' "${ip:-$(hostname)}"
}

setup_user() {
  say "service user $SERVICE_USER"
  if getent passwd "$SERVICE_USER" >/dev/null; then
    note "user $SERVICE_USER exists"
  else
    run_sys useradd --system --user-group --home-dir "$DATA_DIR" --no-create-home \
      --shell /usr/sbin/nologin --comment "motcua service" "$SERVICE_USER"
  fi
  local g wanted=()
  has_role server && wanted+=("${GROUPS_SERVER[@]+"${GROUPS_SERVER[@]}"}")
  has_role kiosk && wanted+=("${GROUPS_KIOSK[@]}")
  has_role screen && wanted+=("${GROUPS_SCREEN[@]}")
  has_role rating-station && wanted+=("${GROUPS_RATING[@]}")
  local groups=()
  for g in "${wanted[@]+"${wanted[@]}"}"; do
    getent group "$g" >/dev/null || continue
    [[ " ${groups[*]-} " == *" $g "* ]] || groups+=("$g")
  done
  if [ ${#groups[@]} -gt 0 ]; then
    run_sys usermod -a -G "$(IFS=,; echo "${groups[*]}")" "$SERVICE_USER"
  fi
}

setup_dirs() {
  say "folders"
  make_dir "$APP_DIR" 0755 root root
  make_dir "$CONF_DIR" 0750 root "$SERVICE_USER"
  make_dir "$DATA_DIR" 0750 "$SERVICE_USER" "$SERVICE_USER"
  has_role server && make_dir "$DATA_DIR/backups" 0750 "$SERVICE_USER" "$SERVICE_USER"
  return 0
}

# Copy the checkout without its .venv, .git and data (pip then builds outside the checkout).
copy_checkout() {
  rm -rf "$1"
  mkdir -p "$1"
  tar -C "$SRC_DIR" --exclude=./.venv --exclude=./.git --exclude=./data --exclude=./build \
    --exclude='*.egg-info' --exclude=__pycache__ -cf - . | tar -C "$1" -xf -
}

setup_app() {
  local lines=() extras more=()
  mapfile -t lines < <(python3 "$SRC_DIR/deploy/install-helper.py" extras "${ROLES[@]}")
  extras=${lines[0]:-}
  more=("${lines[@]:1}")
  if [ -x "$(path "$APP_DIR/bin/python")" ]; then
    say "upgrading motcua in $APP_DIR"
  else
    say "installing motcua into $APP_DIR"
    run_sys python3 -m venv "$APP_DIR"
  fi
  run_sys copy_checkout "$STAGE_DIR"
  run_sys "$APP_DIR/bin/python" -m pip install --disable-pip-version-check --upgrade \
    "$STAGE_DIR${extras:+[$extras]}" "${more[@]+"${more[@]}"}"
  run_sys rm -rf "$STAGE_DIR"
  run_sys ln -sfn "$APP_DIR/bin/motcua" "$BIN_LINK"
  local doc
  for doc in install.md huong-dan-van-hanh.md printers.md wiring.md; do
    [ -f "docs/$doc" ] && put_file "docs/$doc" "$APP_DIR/share/doc/motcua/$doc" 0644
  done
  return 0
}

setup_config() {
  say "config $CONF_FILE"
  if [ -e "$(path "$CONF_FILE")" ]; then
    note "keeping the existing $CONF_FILE (install.sh never overwrites it)"
    if [ -n "$SERVER" ] || [ -n "$CONFIG_SRC" ] || [ -n "$PRINTER_ID" ] || [ -n "$KIOSK_ID" ]; then
      note "(--server, --config, --printer, --kiosk-id do not change an existing config: edit it)"
    fi
    return 0
  fi
  local args=(--template "${CONFIG_SRC:-$SRC_DIR/config/demo.toml}" --output "$(path "$CONF_FILE")")
  if has_role server; then
    args+=(--public-url "http://$(primary_address):$DEFAULT_PORT")
  else
    args+=(--server-url "http://$(server_address)")
  fi
  [ -n "$PRINTER_ID" ] && args+=(--printer "$PRINTER_ID")
  [ -n "$KIOSK_ID" ] && args+=(--kiosk-device "$KIOSK_ID")
  run python3 "$SRC_DIR/deploy/install-helper.py" make-config "${args[@]}"
  run_sys chown "root:$SERVICE_USER" "$CONF_FILE"
  # the kiosk's procedures look-up lives beside the config, named after it
  local template=${CONFIG_SRC:-$SRC_DIR/config/demo.toml}
  local procedures="${template%.toml}.procedures.toml"
  if [ -f "$procedures" ] && [ ! -e "$(path "${CONF_FILE%.toml}.procedures.toml")" ]; then
    put_file "$procedures" "${CONF_FILE%.toml}.procedures.toml" 0640 root "$SERVICE_USER"
  fi
  CONFIG_CREATED=1
  if [ -x "$(path "$APP_DIR/bin/motcua")" ] || [ "$DRY_RUN" = 1 ]; then
    run_sys "$APP_DIR/bin/motcua" config check "$CONF_FILE"
  fi
}

setup_backup_settings() {
  if [ -e "$(path "$CONF_DIR/backup.env")" ]; then
    note "keeping $CONF_DIR/backup.env"
    return 0
  fi
  write_file "$CONF_DIR/backup.env" 0644 root root <<EOF
# motcua daily backup settings, read by motcua-backup.service (see docs/install.md).
# Folder for the backups: best on another disk, e.g. a USB stick mounted at /media/backup
# that the motcua user can write to. Default: $DATA_DIR/backups
#MOTCUA_BACKUP_DIR=/media/backup/motcua
# How many backups to keep (one a day: 30 is a month). Default: 30
#MOTCUA_BACKUP_KEEP=30
EOF
}

setup_printer_rules() {
  say "udev rule for USB ticket printers"
  put_file deploy/udev/60-motcua-printer.rules "$UDEV_DIR/60-motcua-printer.rules" 0644
  if [ -n "$PRINTER_ID" ]; then
    local vendor product rule local_file="$UDEV_DIR/61-motcua-printer-local.rules" existing=""
    read -r vendor product < <(python3 "$SRC_DIR/deploy/install-helper.py" usb-id "$PRINTER_ID")
    rule="SUBSYSTEM==\"usb\", ATTR{idVendor}==\"$vendor\", ATTR{idProduct}==\"$product\", GROUP=\"lp\", MODE=\"0660\""
    [ -f "$(path "$local_file")" ] && existing=$(cat "$(path "$local_file")")
    if [[ "$existing" == *"$rule"* ]]; then
      note "$local_file already lists $vendor:$product"
    else
      [ -n "$existing" ] || existing="# motcua: this centre's USB ticket printers (added by install.sh --printer VID:PID)"
      write_file "$local_file" 0644 root root <<<"$existing
$rule"
    fi
  fi
  if [ -n "$ROOT" ] || [ "$DRY_RUN" = 1 ] || command -v udevadm >/dev/null 2>&1; then
    run_sys udevadm control --reload-rules
    run_sys udevadm trigger --subsystem-match=usb --action=change
  else
    note "no udevadm on this system (a container?): the rule applies once udev runs"
  fi
}

setup_screen() {
  say "screen: Chromium kiosk launcher and watchdog"
  put_file deploy/bin/motcua-screen "$APP_DIR/libexec/motcua-screen" 0755
  put_file deploy/bin/motcua-screen-watchdog "$APP_DIR/libexec/motcua-screen-watchdog" 0755
  local env_file="$CONF_DIR/screen.env"
  if [ -e "$(path "$env_file")" ] && [ -z "$URL" ] && [ -z "$SERVER" ]; then
    note "keeping $env_file ($(grep -m1 '^MOTCUA_SCREEN_URL=' "$(path "$env_file")" || true))"
    return 0
  fi
  local url=${URL:-http://$(server_address)/display}
  write_file "$env_file" 0644 root root <<EOF
# motcua-screen settings (read by motcua-screen.service; after a change:
#   sudo systemctl restart motcua-screen). Rewritten by install.sh --url / --server.
# The page: the hall screen is /display, a counter's screen /display/counter/<counter id>.
MOTCUA_SCREEN_URL=$url
# More Chromium flags, e.g. bigger text on a 4K TV: --force-device-scale-factor=2
MOTCUA_SCREEN_FLAGS=
EOF
}

setup_rating_station() {
  local env_file="$CONF_DIR/rating-station.env"
  if [ -e "$(path "$env_file")" ] && [ -z "$STATION_ID" ]; then
    note "keeping $env_file"
    return 0
  fi
  write_file "$env_file" 0644 root root <<EOF
# motcua-rating-station settings (read by motcua-rating-station.service; after a change:
#   sudo systemctl restart motcua-rating-station). Rewritten by install.sh --station-id.
# Which rating station of the config's [[devices]] this machine is (empty: the first one).
MOTCUA_RATING_STATION_ARGS=${STATION_ID:+--device $STATION_ID}
EOF
}

# Units each role runs (the first of each list is started; timers are started too).
role_units() {
  case "$1" in
    server) echo motcua-server.service motcua-backup.service motcua-backup.timer \
      motcua-server-restart.service motcua-server-restart.timer ;;
    kiosk) echo motcua-kiosk.service ;;
    screen) echo motcua-screen.service ;;
    rating-station) echo motcua-rating-station.service ;;
  esac
}

setup_units() {
  say "systemd units"
  local role unit
  for role in "${ROLES[@]}"; do
    for unit in $(role_units "$role"); do
      put_file "deploy/systemd/$unit" "$UNIT_DIR/$unit" 0644
    done
  done
  if has_role kiosk || has_role screen; then
    put_file deploy/pam/motcua-display "$PAM_DIR/motcua-display" 0644
  fi
  run_sys systemctl daemon-reload
}

start_services() {
  say "starting services"
  if has_role server; then
    run_sys runuser -u "$SERVICE_USER" -- "$APP_DIR/bin/motcua" --config "$CONF_FILE" init
    run_sys systemctl enable motcua-server.service motcua-backup.timer motcua-server-restart.timer
    run_sys systemctl restart motcua-server.service
    run_sys systemctl start motcua-backup.timer motcua-server-restart.timer
  fi
  local role unit
  for role in kiosk screen rating-station; do
    has_role "$role" || continue
    unit=$(role_units "$role")
    run_sys systemctl enable "$unit"
    run_sys systemctl restart "$unit"
  done
}

next_steps() {
  local me sudo_motcua="sudo -u $SERVICE_USER $APP_DIR/bin/motcua"
  me="http://$(primary_address):$DEFAULT_PORT"
  say "next steps"
  if has_role server; then
    note "motcua runs at $me  (hall screen $me/display, counter screens $me/display/counter/<id>,"
    note "  officers $me/counter, admin $me/admin)"
    note "add an admin:      $sudo_motcua officer add admin --role admin"
    note "add an officer:    $sudo_motcua officer add an.nv --full-name 'Nguyễn Văn An' --counters quay-1"
    note "edit the centre:   sudo nano $CONF_FILE; then $sudo_motcua config check"
    note "                   and sudo systemctl restart motcua-server"
    note "logs:              journalctl -u motcua-server -f"
    note "backups:           daily to $DATA_DIR/backups (settings: $CONF_DIR/backup.env);"
    note "                   now: $sudo_motcua backup"
    note "kiosks and rating stations need this config (its device tokens): copy $CONF_FILE to"
    note "  them and run there: sudo ./install.sh kiosk --config motcua.toml --server $(primary_address)"
  fi
  if has_role kiosk; then
    note "kiosk: set [printer] in $CONF_FILE (docs/printers.md), then: $sudo_motcua printer test"
    note "  logs: journalctl -u motcua-kiosk -f"
  fi
  if has_role rating-station; then
    note "rating station: buttons in [[devices]] of $CONF_FILE (docs/wiring.md)"
    note "  logs: journalctl -u motcua-rating-station -f"
  fi
  if has_role screen; then
    note "screen: shows the page in $CONF_DIR/screen.env; change it with --url URL"
    note "  logs: journalctl -u motcua-screen -f"
  fi
  if [ "$CONFIG_CREATED" = 1 ]; then
    note "the new config is the demo centre: put in your centre's name, fields, counters and hours"
  fi
  note "guides: docs/install.md, docs/huong-dan-van-hanh.md (Vietnamese operator guide)"
}

install_centre() {
  check_system
  [ "$DRY_RUN" = 1 ] && say "dry run: nothing is changed"
  [ -n "$ROOT" ] && say "files go under $ROOT; system commands are skipped"
  apt_install_roles
  check_python
  setup_user
  setup_dirs
  if needs_app; then
    setup_app
    setup_config
  fi
  has_role server && setup_backup_settings
  has_role kiosk && setup_printer_rules
  has_role screen && setup_screen
  has_role rating-station && setup_rating_station
  setup_units
  start_services
  next_steps
}

main() {
  parse_args "$@"
  case "${ROLES[0]}" in
    demo|dev)
      [ "$DRY_RUN" = 1 ] && say "dry run: nothing is changed"
      install_checkout ;;
    *) install_centre ;;
  esac
}

main "$@"
