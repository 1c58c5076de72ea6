#!/usr/bin/env bash
# Installs swift-im for operators: imd, imctl, imtop and imbench with their man pages and bash, zsh and
# fish completions, the example config, the Grafana dashboard and Prometheus alerts, and a systemd unit.
#
#   scripts/install.sh [--bin-dir DIR] PREFIX
#
# Without --bin-dir it builds release binaries first (swift build -c release); with it, it installs the
# imd, imctl, imtop and imbench found in DIR (e.g. .build/release, or a CI artefact).
#
# Environment: DESTDIR stages the whole tree under another root (as `make install DESTDIR=` does);
# SYSCONFDIR is where imd/imd.toml and imd/admin-token go (default PREFIX/etc, /etc for PREFIX /usr);
# SYSTEMD_UNIT_DIR is where imd.service goes (default PREFIX/lib/systemd/system). An existing imd.toml or
# admin-token is never overwritten. Installing as root straight into the system (no DESTDIR) with
# systemd running also creates the imd user and reloads systemd; it never starts or enables imd.
set -euo pipefail

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
    exit 2
}

BIN_DIR=""
while [[ $# -gt 0 ]]; do
    case "$1" in
    --bin-dir) [[ $# -ge 2 ]] || usage; BIN_DIR="$2"; shift 2 ;;
    --bin-dir=*) BIN_DIR="${1#--bin-dir=}"; shift ;;
    -h | --help) usage ;;
    -*) echo "install.sh: unknown option $1" >&2; usage ;;
    *) break ;;
    esac
done
[[ $# -eq 1 ]] || usage
PREFIX="${1%/}"
[[ "$PREFIX" == /* ]] || { echo "install.sh: PREFIX must be an absolute path, got '$PREFIX'" >&2; exit 2; }

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TOOLS=(imd imctl imtop imbench)
DESTDIR="${DESTDIR:-}"
if [[ -z "${SYSCONFDIR:-}" ]]; then
    if [[ "$PREFIX" == /usr ]]; then SYSCONFDIR=/etc; else SYSCONFDIR="$PREFIX/etc"; fi
fi
SYSTEMD_UNIT_DIR="${SYSTEMD_UNIT_DIR:-$PREFIX/lib/systemd/system}"
BINDIR="$PREFIX/bin"
MANDIR="$PREFIX/share/man/man1"
DOCDIR="$PREFIX/share/doc/swift-im"

if [[ -z "$BIN_DIR" ]]; then
    echo "--- building release binaries"
    for tool in "${TOOLS[@]}"; do (cd "$ROOT" && swift build -c release --product "$tool"); done
    BIN_DIR="$(cd "$ROOT" && swift build -c release --show-bin-path)"
fi
for tool in "${TOOLS[@]}"; do
    [[ -x "$BIN_DIR/$tool" ]] || { echo "install.sh: no executable $BIN_DIR/$tool" >&2; exit 1; }
done

# install -D is not everywhere; make each directory, then copy.
put() { # put MODE SOURCE TARGET
    mkdir -p "$(dirname "$3")"
    install -m "$1" "$2" "$3"
    echo "  $3"
}

echo "--- installing into ${DESTDIR}${PREFIX}"
for tool in "${TOOLS[@]}"; do
    put 0755 "$BIN_DIR/$tool" "$DESTDIR$BINDIR/$tool"
    put 0644 "$ROOT/docs/man/$tool.1" "$DESTDIR$MANDIR/$tool.1"
done

# Completions come from the binaries themselves, so they always match the options installed.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for tool in "${TOOLS[@]}"; do
    for shell in bash zsh fish; do
        "$BIN_DIR/$tool" --generate-completion-script "$shell" > "$work/$tool.$shell"
    done
    put 0644 "$work/$tool.bash" "$DESTDIR$PREFIX/share/bash-completion/completions/$tool"
    put 0644 "$work/$tool.zsh" "$DESTDIR$PREFIX/share/zsh/site-functions/_$tool"
    put 0644 "$work/$tool.fish" "$DESTDIR$PREFIX/share/fish/vendor_completions.d/$tool.fish"
done

put 0644 "$ROOT/docs/imd.toml.example" "$DESTDIR$DOCDIR/imd.toml.example"
put 0644 "$ROOT/docs/grafana/swift-im.json" "$DESTDIR$DOCDIR/grafana/swift-im.json"
put 0644 "$ROOT/docs/prometheus/alerts.yml" "$DESTDIR$DOCDIR/prometheus/alerts.yml"
put 0644 "$ROOT/README.md" "$DESTDIR$DOCDIR/README.md"

unit="$work/imd.service"
sed -e "s|@BINDIR@|$BINDIR|g" -e "s|@SYSCONFDIR@|$SYSCONFDIR|g" "$ROOT/dist/systemd/imd.service.in" > "$unit"
put 0644 "$unit" "$DESTDIR$SYSTEMD_UNIT_DIR/imd.service"
put 0644 "$ROOT/dist/systemd/imd.sysusers" "$DESTDIR$PREFIX/lib/sysusers.d/imd.conf"

config_dir="$DESTDIR$SYSCONFDIR/imd"
mkdir -p "$config_dir"
if [[ -e "$config_dir/imd.toml" ]]; then
    echo "  $config_dir/imd.toml exists: kept (the new defaults are in $DOCDIR/imd.toml.example)"
else
    put 0644 "$ROOT/docs/imd.toml.example" "$config_dir/imd.toml"
fi
if [[ -e "$config_dir/admin-token" ]]; then
    echo "  $config_dir/admin-token exists: kept"
else
    (umask 077 && od -An -N16 -tx1 /dev/urandom | tr -d ' \n' > "$config_dir/admin-token" && echo >> "$config_dir/admin-token")
    echo "  $config_dir/admin-token (a new random token, readable by root only)"
fi

if [[ -z "$DESTDIR" && "$(id -u)" == 0 && -d /run/systemd/system ]]; then
    echo "--- registering with systemd"
    systemd-sysusers "$PREFIX/lib/sysusers.d/imd.conf"
    systemctl daemon-reload
fi

cat <<NEXT
--- done. Next:
  systemctl enable --now imd                                   # or: $BINDIR/imd --config $SYSCONFDIR/imd/imd.toml
  export IMCTL_TOKEN_FILE=$SYSCONFDIR/imd/admin-token IMCTL_APPID=1
  $BINDIR/imctl summary && $BINDIR/imtop --token-file $SYSCONFDIR/imd/admin-token
NEXT
