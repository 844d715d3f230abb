#!/bin/bash
# What the SLA detail (down spans and latency sketches, issue 14) costs the ingest figure: this checkout
# (built) against itself with the detail turned off by without-detail.patch (new days get no detail, the
# SQLite catch-up and the PostgreSQL catch-up job do nothing), alternated in rounds. Usage:
#   BENCH_LOG_LEVEL=warn ROUNDS="1 2 3" bench/scripts/detail-cost.sh sqlite|postgres
# The worktree is made once in $WITHOUT_DIR (default /tmp/without-detail) and reused while HEAD is the same.
set -e
here=$(cd $(dirname $0) && pwd)
main=$(git -C $here rev-parse --show-toplevel)
without=${WITHOUT_DIR:-/tmp/without-detail}
head=$(git -C $main rev-parse HEAD)
if [ "$(cat $without/.built-from 2>/dev/null)" != $head ]; then
  git -C $main worktree remove --force $without 2>/dev/null || rm -rf $without
  git -C $main worktree add --detach $without $head >/dev/null
  (cd $without && git apply $here/without-detail.patch && ln -s $main/node_modules node_modules &&
    npx tsc -p tsconfig.build.json && echo $head > .built-from)
fi
BEFORE_DIR=$without $here/ingest-before-after.sh "$@" | sed 's/ before / without-detail /'
