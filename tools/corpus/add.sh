#!/usr/bin/env bash
# Usage: add.sh owner/name path start end member verdict rule note
# Appends one label row to labels/games.tsv with the HEAD commit of the fetched snapshot (/work/.mirror/owner+name/repo),
# after checking that the path exists there and the range fits the file.
set -euo pipefail
cd "$(dirname "$0")"
repo="$1"; path="$2"; start="$3"; end="$4"; member="$5"; verdict="$6"; rule="$7"; note="$8"
d="/work/.mirror/${repo/\//+}/repo"; [ -d "$d/.git" ] && d="$d/.git"
commit=$(git --git-dir="$d" rev-parse HEAD)
n=$(git --git-dir="$d" show "HEAD:$path" | wc -l)
if [ "$end" -gt $((n+1)) ] || [ "$start" -gt "$end" ]; then echo "bad range $start-$end ($n lines) for $path" >&2; exit 1; fi
case "$verdict" in naive-softmax|naive-logsumexp|naive-softplus|log-of-softmax|naive-logistic|tensor-softmax|stable|bounded|lookalike) ;; *) echo "bad verdict $verdict" >&2; exit 1;; esac
case "$rule" in SMX0001|SMX0002|SMX0003|SMX0004|SMX0006|none) ;; *) echo "bad rule $rule" >&2; exit 1;; esac
printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$repo" "$commit" "$path" "$start" "$end" "$member" "$verdict" "$rule" "$note" >> labels/games.tsv
