#!/bin/sh
# Instructions per check of a build (bench/icount.ts): two runs under cachegrind, subtracted.
#   sh bench/icount.sh bench/.build-X/dist [engine|plugin] [examples|generated] [N1] [N2]
set -e
dist=$1; mode=${2:-engine}; file=${3:-examples}; n1=${4:-50000}; n2=${5:-250000}
count() {
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null node "$dist/bench/icount.js" "$1" "$mode" "$file" 2>&1 |
    sed -n 's/.*I *refs: *//p' | tr -d ,
}
a=$(count "$n1"); b=$(count "$n2")
echo "$dist $mode $file: $(( (b - a) / (n2 - n1) )) instructions per check (I($n1)=$a I($n2)=$b)"
