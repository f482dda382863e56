#!/usr/bin/env bash
# Usage: grep-exp.sh <git-dir> [extra-regex]
# Lists the HEAD commit, the size and the C# lines of a fetched snapshot that call an exponential or a logarithm
# (Math/MathF/Mathf/math exp/log, Pow(E, ..), TensorPrimitives.SoftMax, softmax/logsumexp names): a reading aid
# for labelling. Prints path:line:text.
set -euo pipefail
d="$1"; extra="${2:-}"
echo "HEAD $(git --git-dir="$d" rev-parse HEAD)"
re='(Math[fF]?|Mathf|math|double|float)\.(Exp|Log|exp|log)[^a-zA-Z0-9_]|Pow\((Math[fF]?|Mathf)\.E|SoftMax|[Ss]oftmax|LogSumExp|logsumexp|Boltzmann'
[ -n "$extra" ] && re="$re|$extra"
git --git-dir="$d" grep -n -E "$re" HEAD -- '*.cs' | sed 's/^HEAD://' || true
