#!/usr/bin/env bash
# Install or update the kiosk as systemd services on Debian 12. Run as root from a checkout:
#   systemd/install.sh [--dry-run] [--session cage|x11] [--no-packages]
# --dry-run      print what would be done, change nothing (needs no root)
# --session x11  a bare X server instead of cage (docs/deploy.md says when)
# --no-packages  skip apt-get (offline re-runs, images built elsewhere)
# Safe to run again: the configuration and secrets in /etc/kiosk are kept; the app in
# /opt/kiosk is replaced by the checkout's. A kiosk already running is restarted on the new
# code; a first install is not started (it would take over the screen): reboot.
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=/opt/kiosk
APP=$PREFIX/app
VENV=$PREFIX/venv
ETC=/etc/kiosk
UNITS=/etc/systemd/system
STATE=/var/lib/kiosk
KIOSK_USER=kiosk
GROUPS_WANTED=(video render audio)

# cage + seatd: the session; xwayland: Kivy's SDL2 draws through X; the X libraries SDL
# loads at run time; Mesa for GL; zbar and mtdev for the scanner and Kivy; espeak-ng and
# alsa-utils (aplay) for speech; chromium for the portal access point
PACKAGES=(python3 python3-venv cage seatd xwayland chromium
          libx11-6 libx11-xcb1 libxext6 libxcursor1 libxi6 libxfixes3 libxrandr2 libxss1
          libgl1 libegl1 libgles2 libgl1-mesa-dri libzbar0 libmtdev1 xkb-data
          fonts-dejavu-core ca-certificates espeak-ng alsa-utils)
X11_PACKAGES=(xserver-xorg-core xserver-xorg-input-libinput xauth util-linux)

DRY_RUN=0
SESSION=cage
INSTALL_PACKAGES=1
while [ $# -gt 0 ]; do
    case "$1" in
        --dry-run) DRY_RUN=1 ;;
        --session)
            [ $# -ge 2 ] || { echo "install.sh: --session needs cage or x11" >&2; exit 2; }
            SESSION=$2; shift ;;
        --session=*) SESSION=${1#--session=} ;;
        --no-packages) INSTALL_PACKAGES=0 ;;
        -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
case "$SESSION" in
    cage|x11) ;;
    *) echo "install.sh: --session is cage or x11, not '$SESSION'" >&2; exit 2 ;;
esac
if [ "$DRY_RUN" = 0 ] && [ "$(id -u)" != 0 ]; then
    echo "install.sh: run as root (or try --dry-run)" >&2
    exit 1
fi

say() { printf '==> %s\n' "$*"; }

# every change goes through here, so --dry-run shows exactly what would run
run() {
    if [ "$DRY_RUN" = 1 ]; then
        printf '+'; printf ' %q' "$@"; printf '\n'
    else
        "$@"
    fi
}

# write stdin to a file with a mode and owner, atomically (never half a config)
write_file() {
    local path=$1 mode=$2 owner=$3
    if [ "$DRY_RUN" = 1 ]; then
        printf '+ write %s (mode %s, %s)\n' "$path" "$mode" "$owner"
        cat >/dev/null
        return
    fi
    local tmp
    tmp=$(mktemp "$path.XXXXXX")
    cat >"$tmp"
    chown "$owner" "$tmp"
    chmod "$mode" "$tmp"
    mv -f "$tmp" "$path"
}

install_packages() {
    local wanted=("${PACKAGES[@]}") missing=() package
    if [ "$SESSION" = x11 ]; then
        wanted+=("${X11_PACKAGES[@]}")
    fi
    for package in "${wanted[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" \
            || missing+=("$package")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        say "Debian packages: all there"
        return
    fi
    say "Debian packages: installing ${missing[*]}"
    run apt-get update -qq
    run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}"
}

create_user() {
    if id "$KIOSK_USER" >/dev/null 2>&1; then
        say "user $KIOSK_USER: exists"
    else
        say "user $KIOSK_USER: creating (system user, no login)"
        run useradd --system --user-group --home-dir "$STATE" --no-create-home \
            --shell /usr/sbin/nologin --comment "Public-service kiosk" "$KIOSK_USER"
    fi
    local group
    for group in "${GROUPS_WANTED[@]}"; do
        # kiosk.service names these groups and would not start without them (render is
        # made by udev's rules on most machines, but not on all)
        if ! getent group "$group" >/dev/null; then
            run groupadd --system "$group"
        fi
        run usermod -a -G "$group" "$KIOSK_USER"
    done
    run install -d -m 0750 -o "$KIOSK_USER" -g "$KIOSK_USER" "$STATE"
}

install_app() {
    say "app: $SRC -> $APP"
    run install -d -m 0755 "$PREFIX"
    # a fresh copy, swapped in whole: files removed from the checkout go away too
    run rm -rf "$APP.new"
    run install -d -m 0755 "$APP.new"
    if [ "$DRY_RUN" = 1 ]; then
        printf '+ copy %s to %s (without .git, .venv, var, caches)\n' "$SRC" "$APP.new"
    else
        tar -C "$SRC" --exclude=./.git --exclude=./.venv --exclude=./var --exclude=./tour \
            --exclude='__pycache__' --exclude=.pytest_cache --exclude=.ruff_cache \
            --exclude='*.egg-info' --owner=root --group=root -cf - . \
            | tar -C "$APP.new" --no-same-owner -xf -
    fi
    run rm -rf "$APP.old"
    if [ -e "$APP" ]; then
        run mv "$APP" "$APP.old"
    fi
    run mv "$APP.new" "$APP"
    run rm -rf "$APP.old"
    if [ ! -x "$VENV/bin/python" ]; then
        run /usr/bin/python3 -m venv "$VENV"  # Debian's, not whatever python3 root finds first
    fi
    # editable: the code finds its fonts and assets beside the package, in $APP
    run "$VENV/bin/pip" install --quiet --disable-pip-version-check -e "$APP"
    # the service cannot write under /opt (ProtectSystem=strict): compile once, here
    run "$VENV/bin/python" -m compileall -q "$APP/kiosk"
    run ln -sfn "$VENV/bin/kiosk" /usr/local/bin/kiosk
}

write_config() {
    run install -d -m 0755 "$ETC"
    if [ -e "$ETC/kiosk.toml" ]; then
        say "$ETC/kiosk.toml: kept"
    else
        say "$ETC/kiosk.toml: written from config/kiosk.toml"
        # the example's data folder and secrets file are relative to the checkout
        sed -e 's|^data_dir = .*|data_dir = "/var/lib/kiosk"|' \
            -e "s|^secrets_file = .*|secrets_file = \"$ETC/secrets.toml\"|" \
            "$SRC/config/kiosk.toml" | write_file "$ETC/kiosk.toml" 0644 root:root
    fi
    if [ -e "$ETC/secrets.toml" ]; then
        say "$ETC/secrets.toml: kept"
    else
        say "$ETC/secrets.toml: written with a new outbox key"
        local outbox_key
        outbox_key=$(/usr/bin/python3 -c 'import base64, secrets
print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())')
        write_file "$ETC/secrets.toml" 0640 "root:$KIOSK_USER" <<EOF
# This kiosk's secrets: readable by root and the kiosk group only (0640 root:kiosk).
# Keep a copy somewhere safe: a new outbox key cannot read what the old one wrote.

[api]
# This kiosk's API key, issued by the province's central API.
key = ""

[operator]
# Hash of the operator PIN: run \`kiosk hash-pin\` and paste what it prints.
pin_hash = ""

[outbox]
# Encrypts what waits on this kiosk to be sent (32 random bytes, base64url).
key = "$outbox_key"
EOF
    fi
    if [ -e "$ETC/secrets.toml" ]; then  # an older file with looser rights is tightened
        run chown "root:$KIOSK_USER" "$ETC/secrets.toml"
        run chmod 0640 "$ETC/secrets.toml"
    fi
}

install_units() {
    say "systemd units: $SESSION session"
    local unit
    for unit in kiosk.service kiosk-sync.service kiosk-sync.timer; do
        run install -m 0644 "$SRC/systemd/$unit" "$UNITS/$unit"
    done
    if [ "$SESSION" = x11 ]; then
        run install -m 0644 "$SRC/systemd/x11/kiosk-xorg.service" "$UNITS/kiosk-xorg.service"
        run install -d -m 0755 "$UNITS/kiosk.service.d"
        run install -m 0644 "$SRC/systemd/x11/kiosk.service.d/x11.conf" \
            "$UNITS/kiosk.service.d/x11.conf"
    else  # back from x11 to cage
        if [ -e "$UNITS/kiosk.service.d/x11.conf" ]; then
            run rm -f "$UNITS/kiosk.service.d/x11.conf"
        fi
        if [ -e "$UNITS/kiosk-xorg.service" ]; then
            run systemctl disable kiosk-xorg.service
            run rm -f "$UNITS/kiosk-xorg.service"
        fi
    fi
    if [ "$SESSION" = cage ]; then
        run systemctl enable seatd.service
    fi
    run systemctl enable kiosk.service kiosk-sync.timer
    run systemctl set-default graphical.target
    # a running systemd picks the new units up, and a running kiosk the new code (an update);
    # enabling alone also works in a chroot or while building an image
    if [ -d /run/systemd/system ]; then
        run systemctl daemon-reload
        if [ "$SESSION" = cage ]; then
            run systemctl start seatd.service
        fi
        run systemctl start kiosk-sync.timer
        run systemctl try-restart kiosk.service
    fi
}

if [ "$DRY_RUN" = 1 ]; then
    say "dry run: nothing is changed"
fi
if [ "$INSTALL_PACKAGES" = 1 ]; then
    install_packages
fi
install_portal_policy() {
    say "portal browser policy (kiosk portal-policy --install)"
    run "$VENV/bin/kiosk" portal-policy --install --config "$ETC/kiosk.toml"
}

create_user
install_app
write_config
install_portal_policy
install_units

if [ "$DRY_RUN" = 1 ]; then
    say "dry run done: nothing was changed"
    exit 0
fi
cat <<EOF

Installed. Before the first start:
  1. Edit $ETC/kiosk.toml: kiosk.name, kiosk.id and api.base_url (the province's API).
  2. Put this kiosk's API key in $ETC/secrets.toml ([api] key).
  3. Choose the operator PIN: run \`kiosk hash-pin\` and put what it prints in
     $ETC/secrets.toml ([operator] pin_hash). Without it the kiosk cannot be left.
  4. Sync once and look at the result: systemctl start kiosk-sync; journalctl -u kiosk-sync
  5. Reboot (or: systemctl start kiosk). Logs: journalctl -u kiosk
EOF
