#!/usr/bin/env bash
# Usage: addrepo.sh owner/name kind note   -- appends to repos-games.tsv with the snapshot's HEAD commit
set -euo pipefail
cd "$(dirname "$0")"
d="/work/.mirror/${1/\//+}/repo"; [ -d "$d/.git" ] && d="$d/.git"
printf '%s\t%s\t%s\t%s\n' "$1" "$(git --git-dir="$d" rev-parse HEAD)" "$2" "$3" >> repos-games.tsv
