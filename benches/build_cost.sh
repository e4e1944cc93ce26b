#!/usr/bin/env bash
# What building costs, measured on a copy of the current commit (a git worktree) with target
# directories of its own, so nothing here touches your checkout or its target/:
#
#   1. clean `cargo build` (every dependency, progenitor, the generated client)
#   2. `cargo build` again after a change of spec/bunq.json (the client is regenerated and the
#      crate that holds it recompiled): default features, so the core operations only
#   3. the same with every operation group (`--features full`)
#   4. clean `cargo test --no-run` (what `cargo test` compiles before it runs anything: every group)
#
# A benchmark, not a test: it prints the figures (wall-clock seconds) and the machine; the README
# keeps the last ones. Run it on a quiet machine: `benches/build_cost.sh` (about 20 minutes on 2 cores;
# `--quick` measures the first two only).
set -euo pipefail
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'git -C "$repo" worktree remove --force "$work/tree" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$repo" worktree add --detach "$work/tree" HEAD >/dev/null
cd "$work/tree"
export CARGO_TERM_COLOR=never CARGO_INCREMENTAL=0

seconds() {
  local start end
  start=$(date +%s.%N)
  "$@" >"$work/log" 2>&1 || { tail -n 30 "$work/log"; exit 1; }
  end=$(date +%s.%N)
  echo "$start $end" | awk '{ printf "%.0f", $2 - $1 }'
}

clean_build=$(CARGO_TARGET_DIR="$work/build" seconds cargo build)
# A real change of the spec: another version string (the generated client reports it).
sed -i 's/"version": "\([^"]*\)"/"version": "\1-changed"/' spec/bunq.json
spec_rebuild=$(CARGO_TARGET_DIR="$work/build" seconds cargo build)
# `--quick`: the two figures with a target (about 5 minutes), not the other two.
spec_rebuild_full=- clean_tests=-
if [ "${1:-}" != --quick ]; then
  CARGO_TARGET_DIR="$work/build" seconds cargo build --features full >/dev/null
  sed -i 's/"version": "\([^"]*\)"/"version": "\1-again"/' spec/bunq.json
  spec_rebuild_full=$(CARGO_TARGET_DIR="$work/build" seconds cargo build --features full)
  git checkout -q spec/bunq.json
  clean_tests=$(CARGO_TARGET_DIR="$work/tests" seconds cargo test --no-run)
fi

cat <<EOF
build cost of $(git rev-parse --short HEAD), $(nproc) cores, $(rustc --version)
  clean cargo build                          ${clean_build} s   (target: <= 360 s)
  cargo build after a change of the spec     ${spec_rebuild} s   (target: <= 60 s)
  the same with --features full              ${spec_rebuild_full} s
  clean cargo test --no-run                  ${clean_tests} s
EOF
