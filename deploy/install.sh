#!/usr/bin/env bash
# Install (or upgrade) Tremplin on a Debian 12 or 13 server, from this clone of the
# repository. Run it again at each upgrade: it changes only what it owns and never touches
# the settings file once it exists (but to add TREMPLIN_DIALOGS with --dialogs when it has
# none), nor a structure's dialogs, nor the database.
#
#   sudo deploy/install.sh                    the bot as tremplin.service
#   sudo deploy/install.sh --instance NAME    a structure of tremplin@.service (NAME.env)
#       [--dialogs DIR]                       its own dialogs folder (from `tremplin
#                                             new-structure`), copied to /etc/tremplin/NAME
#   deploy/install.sh --root DIR --no-system  everything under DIR, without creating the
#                                             user or talking to systemd (to try it, tests)
#
# What it does (the README's "Deploy on a server" says why):
#   - the system user `tremplin` (no login, no home of its own);
#   - /opt/tremplin/venv: a virtual environment with exactly the versions of
#     requirements.lock, each file checked against its hash, then Tremplin itself;
#   - /etc/tremplin/tremplin.env (mode 0600, owner tremplin), from deploy/.env.example,
#     only if it does not exist yet;
#   - /var/lib/tremplin (the database) and /var/cache/tremplin, mode 0700, owner tremplin;
#   - /etc/systemd/system/tremplin.service and tremplin@.service (not started: that is
#     yours to do once the settings are filled in);
#   - /usr/local/bin/tremplin: the command line, run as tremplin with the service's settings.
set -euo pipefail

ROOT=""
SYSTEM=1
PYTHON=python3
NAME=tremplin
DIALOGS=""
SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() {
    sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit "${1:-0}"
}

while [ $# -gt 0 ]; do
    case "$1" in
        --root) ROOT="${2:?--root needs a folder}"; shift 2 ;;
        --root=*) ROOT="${1#--root=}"; shift ;;
        --no-system) SYSTEM=0; shift ;;
        --python) PYTHON="${2:?--python needs a program}"; shift 2 ;;
        --instance) NAME="${2:?--instance needs a name}"; shift 2 ;;
        --dialogs) DIALOGS="${2:?--dialogs needs a folder}"; shift 2 ;;
        -h|--help) usage 0 ;;
        *) echo "install.sh: unknown option $1" >&2; usage 2 ;;
    esac
done
ROOT="${ROOT%/}"
if [ -n "$ROOT" ]; then
    mkdir -p "$ROOT"
    ROOT="$(cd "$ROOT" && pwd)"
fi
case "$NAME" in
    *[!a-z0-9_-]*|"") echo "install.sh: --instance: lower-case letters, digits, - and _ only" >&2; exit 2 ;;
esac

say() { printf '==> %s\n' "$*"; }
fail() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

if [ -n "$DIALOGS" ] && [ ! -f "$DIALOGS/structure.toml" ]; then
    fail "--dialogs $DIALOGS: no structure.toml there (write one with: tremplin new-structure DIR)"
fi
if [ "$SYSTEM" = 1 ] && [ "$(id -u)" -ne 0 ]; then
    fail "run it as root: sudo $0 (or --root DIR --no-system to try it elsewhere)"
fi
[ -f "$SOURCE/requirements.lock" ] && [ -f "$SOURCE/pyproject.toml" ] ||
    fail "$SOURCE is not a clone of Tremplin (no requirements.lock)"
command -v "$PYTHON" >/dev/null || fail "$PYTHON not found: sudo apt install -y python3 python3-venv"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
    fail "Python 3.11 or newer is needed ($("$PYTHON" --version 2>&1))"

OPT="$ROOT/opt/tremplin"
VENV="$OPT/venv"
ETC="$ROOT/etc/tremplin"
ENV_FILE="$ETC/$NAME.env"
STATE="$ROOT/var/lib/tremplin"
CACHE="$ROOT/var/cache/tremplin"
UNITS="$ROOT/etc/systemd/system"
BIN="$ROOT/usr/local/bin"
if [ "$NAME" != tremplin ]; then
    STATE="$STATE/$NAME"
fi

# 1. The system user.
if [ "$SYSTEM" = 1 ]; then
    if getent passwd tremplin >/dev/null; then
        say "user tremplin: already there"
    else
        useradd --system --user-group --home-dir /var/lib/tremplin --no-create-home \
            --shell /usr/sbin/nologin --comment "Tremplin bot" tremplin
        say "user tremplin: created"
    fi
fi

# 2. The folders.
install -d -m 0755 "$OPT" "$UNITS" "$BIN"
install -d -m 0750 "$ETC"
install -d -m 0700 "$ROOT/var/lib/tremplin" "$STATE" "$CACHE"
if [ "$SYSTEM" = 1 ]; then
    chown root:tremplin "$ETC"
    chown tremplin:tremplin "$ROOT/var/lib/tremplin" "$STATE" "$CACHE"
fi

# 3. The virtual environment: the locked versions, hash-checked, then Tremplin itself
#    (built from a copy of the clone, so that nothing is written into it).
if [ -x "$VENV/bin/python" ]; then
    say "virtual environment $VENV: kept"
else
    "$PYTHON" -m venv "$VENV" ||
        fail "cannot make a virtual environment: sudo apt install -y python3-venv"
    say "virtual environment $VENV: created"
fi
PIP=("$VENV/bin/python" -m pip --quiet --disable-pip-version-check)
say "installing the locked versions of requirements.lock (a few minutes the first time)"
"${PIP[@]}" install --require-hashes -r "$SOURCE/requirements.lock"
BUILD="$(mktemp -d)"
trap 'rm -rf "$BUILD"' EXIT
tar -C "$SOURCE" --exclude=./.git --exclude=./.venv --exclude=./var --exclude=./build \
    --exclude='*.egg-info' -cf - . | tar -C "$BUILD" -xf -
"$VENV/bin/python" -m babel.messages.frontend compile --use-fuzzy -d "$BUILD/locales" \
    -D messages >/dev/null 2>&1 || say "catalogs not compiled: the bot compiles them in memory"
"${PIP[@]}" install --no-deps --force-reinstall "$BUILD"
say "tremplin $("$VENV/bin/python" -c 'from importlib.metadata import version; print(version("tremplin"))') installed in $VENV"

# 4. The settings: created once from the example, never overwritten.
if [ -e "$ENV_FILE" ]; then
    say "settings $ENV_FILE: kept as they are"
else
    install -m 0600 "$SOURCE/deploy/.env.example" "$ENV_FILE"
    say "settings $ENV_FILE: created from deploy/.env.example (fill them in)"
fi
chmod 0600 "$ENV_FILE"
if [ "$SYSTEM" = 1 ]; then
    chown tremplin:tremplin "$ENV_FILE"
fi

# 4b. The structure's own dialogs (--dialogs): copied once to /etc/tremplin/NAME (readable by
#     the bot, not writable: edit them with sudo), never overwritten; the settings point at
#     them when they are created now.
if [ -n "$DIALOGS" ]; then
    OWN="$ETC/$NAME"
    if [ -e "$OWN" ]; then
        say "dialogs $OWN: kept as they are"
    else
        cp -R "$DIALOGS" "$OWN"
        find "$OWN" -type d -exec chmod 0750 {} +
        find "$OWN" -type f -exec chmod 0640 {} +
        if [ "$SYSTEM" = 1 ]; then
            chown -R root:tremplin "$OWN"
        fi
        say "dialogs $OWN: copied from $DIALOGS"
    fi
    if ! grep -q "^TREMPLIN_DIALOGS=" "$ENV_FILE"; then
        printf '\n# The dialogs of this structure (install.sh --dialogs).\nTREMPLIN_DIALOGS=%s\n' \
            "$OWN" >>"$ENV_FILE"
        say "settings $ENV_FILE: TREMPLIN_DIALOGS=$OWN"
    elif ! grep -qx "TREMPLIN_DIALOGS=$OWN" "$ENV_FILE"; then
        say "settings $ENV_FILE: TREMPLIN_DIALOGS already names another folder (kept)"
    fi
fi

# 5. The systemd units and 6. the command line.
install -m 0644 "$SOURCE/deploy/tremplin.service" "$SOURCE/deploy/tremplin@.service" "$UNITS/"
install -m 0755 "$SOURCE/deploy/tremplin-command" "$BIN/tremplin"
if [ "$SYSTEM" = 1 ] && [ -d /run/systemd/system ]; then
    systemctl daemon-reload
fi
say "systemd units in $UNITS, the command $BIN/tremplin"

# 7. The installed program reads its dialogs and catalogs.
TREMPLIN_ENV_FILE="$ENV_FILE" TREMPLIN_STATE_DIR="$STATE" "$VENV/bin/tremplin" check >/dev/null ||
    fail "tremplin check found a problem: run  sudo tremplin check  to see it"
say "tremplin check: OK"

if [ "$NAME" = tremplin ]; then UNIT=tremplin; else UNIT="tremplin@$NAME"; fi
cat <<EOF

Done. Next:
  1. sudo nano /etc/tremplin/$NAME.env     (the token and the staff ids at least)
  2. sudo systemctl enable --now $UNIT     (the first time; after an upgrade: sudo systemctl restart $UNIT)
  3. systemctl status $UNIT  and  journalctl -u $UNIT -f
EOF
