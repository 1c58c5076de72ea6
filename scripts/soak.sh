#!/usr/bin/env bash
# Soak test: imd under imbench load, killed with -9 at random moments N times (default 20) and restarted;
# after each restart every ACKed message must be there and the restart must take under 2 s. Also a
# memory mode (--memory 1h). Prints a table and exits 1 on any loss. See scripts/soak.py --help.
exec python3 "$(dirname "$0")/soak.py" "$@"
