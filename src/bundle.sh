#!/bin/sh
# bundle.sh OUTDIR FILE...: write a rules bundle, as `gemini-doctor rules
# update` fetches it: the named rules files and a manifest.json giving the
# bundle's data_as_of and each file's name, size and sha256. Used by the
# Makefile; publish OUTDIR's contents at one URL and point --from (or the
# data's update_url) at its manifest.json.
set -eu
out=$1
shift
rm -rf "$out.tmp"
mkdir -p "$out.tmp"
date=$(sed -n 's/^ *"data_as_of": *"\([0-9-]*\)".*/\1/p' "$1" | head -n 1)
[ -n "$date" ] || { echo "bundle.sh: no data_as_of in $1" >&2; exit 1; }
{
    printf '{\n "format": "gemini-doctor-rules/1",\n "data_as_of": "%s",\n "files": [' "$date"
    sep=''
    for f in "$@"; do
        name=$(basename "$f")
        cp "$f" "$out.tmp/$name"
        sum=$(sha256sum "$f" | cut -d' ' -f1)
        size=$(wc -c < "$f" | tr -d ' ')
        printf '%s\n  {"name": "%s", "size": %s, "sha256": "%s"}' "$sep" "$name" "$size" "$sum"
        sep=','
    done
    printf '\n ]\n}\n'
} > "$out.tmp/manifest.json"
rm -rf "$out"
mv "$out.tmp" "$out"
