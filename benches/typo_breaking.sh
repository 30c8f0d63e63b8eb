#!/usr/bin/env bash
# Whole-build time of a ~360-page mixed Chinese/English bulletin with optimal (Knuth–Plass)
# and greedy line breaking (FOLIO_BREAKER=greedy). A benchmark, not a test: run it by hand.
#   bash benches/typo_breaking.sh [ARTICLES=115] [RUNS=3]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-115}; runs=${2:-3}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 benches/typo_mixed_doc.py "$n" "$dir/content"
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/folio
for mode in optimal greedy; do
  for _ in $(seq "$runs"); do
    FOLIO_BREAKER=$mode /usr/bin/time -f "$mode: wall %e s, user %U s" \
      "$bin" build "$dir/content" -o "$dir/out-$mode" --format pdf --jobs 1 2>&1 | tail -1
  done
done
pdfinfo "$dir/out-optimal/bulletin.pdf" | grep Pages
