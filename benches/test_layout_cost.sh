#!/usr/bin/env bash
# The test layout, before (24 binaries, f9df618) and after (one binary, tests/it/, 39ef050): a clean
# `cargo test --no-run` and the same after a change of spec/bunq.json, one commit after the other.
# A benchmark, not a test; run it on a quiet machine (about 12 minutes on 2 cores). The README keeps the figures.
set -euo pipefail
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
work=$(mktemp -d)
export CARGO_TERM_COLOR=never CARGO_INCREMENTAL=0
seconds() { local s e; s=$(date +%s.%N); "$@" >"$work/log" 2>&1 || { tail -n 30 "$work/log"; exit 1; }; e=$(date +%s.%N); echo "$s $e" | awk '{ printf "%.0f", $2 - $1 }'; }
for commit in f9df618 39ef050; do
  git -C "$repo" worktree add --detach "$work/$commit" "$commit" >/dev/null
  cd "$work/$commit"
  clean=$(CARGO_TARGET_DIR="$work/t-$commit" seconds cargo test --no-run)
  sed -i 's/"version": "\([^"]*\)"/"version": "\1-changed"/' spec/bunq.json
  again=$(CARGO_TARGET_DIR="$work/t-$commit" seconds cargo test --no-run)
  echo "$commit clean test --no-run ${clean} s; after a spec change ${again} s"
  git checkout -q spec/bunq.json
  cd "$repo"; git -C "$repo" worktree remove --force "$work/$commit"; rm -rf "$work/t-$commit"
done
