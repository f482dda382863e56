#!/usr/bin/env bash
# Copies the kernels generated into two Release builds of benchmarks/SoftmaxGenerators.Benchmarks (K10 ... K65536) into
# gen/, renamed into the namespaces Before and After.
# Usage: benchmarks/GeneratedAB/copy-generated.sh BEFORE_REPO AFTER_REPO   (build both benchmarks projects first:
#        dotnet build -c Release benchmarks/SoftmaxGenerators.Benchmarks, in each repository)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$here/gen" && rm -f "$here"/gen/*.cs
for side in "$1:Before" "$2:After"; do
  repo=${side%:*}; ns=${side##*:}
  g=$repo/benchmarks/SoftmaxGenerators.Benchmarks/obj/Release/net10.0/generated/SoftmaxGenerators/SoftmaxGenerators.Generator.SoftmaxGenerator
  for n in 10 16 64 256 1024 4096 65536; do
    sed "s/^namespace SoftmaxGenerators.Benchmarks/namespace $ns/" "$g/SoftmaxGenerators.Benchmarks.K$n.Softmax.g.cs" > "$here/gen/${ns}_K$n.cs"
  done
done
echo "copied into $here/gen"
