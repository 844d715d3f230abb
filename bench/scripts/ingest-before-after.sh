#!/bin/bash
# The ingest figure before the SLA sketches (commit 6ef2419, checked out and built in $BEFORE_DIR,
# by default /work/wt-before: git worktree add /work/wt-before 6ef2419 && (cd /work/wt-before && npm ci))
# and on this checkout (built), alternated in rounds (in ABBA order, each run after a sync), with each service's CPU profile to
# give the busy seconds of its main and writer threads. Usage:
#   BENCH_LOG_LEVEL=warn ROUNDS="1 2 3" bench/scripts/ingest-before-after.sh sqlite|postgres
# (6ef2419 ran its service at LOG_LEVEL=warn: BENCH_LOG_LEVEL=warn compares like with like.)
store=${1:-sqlite}
here=$(cd $(dirname $0) && pwd)
main=$(git -C $here rev-parse --show-toplevel)
for round in ${ROUNDS:-1 2 3}; do
  # ABBA: the side that runs second in a round pays for the first one's writes still being flushed to disk.
  sides="before main"; [ $((round % 2)) = 0 ] && sides="main before"
  for side in $sides; do
    dir=${BEFORE_DIR:-/work/wt-before}; [ $side = main ] && dir=$main
    sync; sleep 5
    prof=/tmp/prof-ab/$side-$store-$round; rm -rf $prof; mkdir -p $prof
    if [ $side = before ]; then sed -i "122s#\['dist/server.js'\],#[...(process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter((a) => a !== ''), 'dist/server.js'],#" $dir/bench/run-bench.ts; fi
    line=$(cd $dir && BENCH_SERVICE_NODE_ARGS="--cpu-prof --cpu-prof-dir=$prof" node --import tsx bench/run-bench.ts --only ingest --store $store 2>/dev/null | grep -E "^(sqlite|postgres):")
    if [ $side = before ]; then (cd $dir && git checkout -q BENCHMARKS.md bench/run-bench.ts); else (cd $dir && git checkout -q BENCHMARKS.md); fi
    eps=$(echo "$line" | sed -E 's/.*\(([0-9]+) \/ ([0-9]+);.*/\1/')
    base=$(echo "$line" | sed -E 's/.*\(([0-9]+) \/ ([0-9]+);.*/\2/')
    busy=$(node --import tsx $here/profile-busy.ts $prof/CPU* | awk '{s=s" "$6}END{print s}')
    echo "round $round $store $side load $(cut -d' ' -f1 /proc/loadavg) entries/s $eps baseline $base busy(s, per thread):$busy"
  done
done
echo ALLDONE
