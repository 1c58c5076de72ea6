#!/usr/bin/env bash
# Regenerates what is generated from the code, for committing:
#   docs/imd.toml.example     imd --print-config (every setting, its default, flag, env var and help)
#   docs/man/*.1              swift-argument-parser's generate-manual plugin, for imd, imctl, imtop, imbench
#   docs/man/help.sha256      the sha256 of each tool's --experimental-dump-help, which the man page was
#                             made from: the tests compare it with the built tools to catch a stale page
#
# A man page whose text did not change keeps its date. Debug builds are enough (and reuse `swift build`).
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS=(imd imctl imtop imbench)

echo "--- building ${TOOLS[*]} (debug)"
for tool in "${TOOLS[@]}"; do swift build --product "$tool"; done
BIN="$(swift build --show-bin-path)"

echo "--- docs/imd.toml.example"
"$BIN/imd" --print-config > docs/imd.toml.example

echo "--- docs/man (swift package plugin generate-manual)"
PLUGIN_OUT=".build/plugins/GenerateManual/outputs"
rm -rf "$PLUGIN_OUT"
swift package plugin generate-manual --configuration debug
mkdir -p docs/man
for tool in "${TOOLS[@]}"; do
    page="$(find "$PLUGIN_OUT" -name "$tool.1" | head -n 1)"
    [[ -n "$page" ]] || { echo "generate-docs.sh: the plugin made no $tool.1 under $PLUGIN_OUT" >&2; exit 1; }
    target="docs/man/$tool.1"
    # .Dd is the page's date: keep the committed one unless something else changed.
    if [[ -f "$target" ]] && cmp -s <(grep -v '^\.Dd ' "$page") <(grep -v '^\.Dd ' "$target"); then
        echo "  $target unchanged"
    else
        cp "$page" "$target"
        echo "  $target"
    fi
done

: > docs/man/help.sha256
for tool in "${TOOLS[@]}"; do
    echo "$("$BIN/$tool" --experimental-dump-help | sha256sum | cut -d' ' -f1)  $tool" >> docs/man/help.sha256
done
echo "--- done; review with git diff docs/"
