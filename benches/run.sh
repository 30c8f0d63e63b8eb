#!/usr/bin/env bash
# Benchmark: folio on generated bulletins of realistic size, beside the fastest peers
# (pandoc, typst) when they are installed. Prints wall time and peak memory; it asserts
# nothing, so it never makes CI flaky. Usage: bash benches/run.sh [ARTICLES...]
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-4 40 200}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet
folio=${CARGO_TARGET_DIR:-target}/release/folio
export SOURCE_DATE_EPOCH=1693526400

measure() { # label, command...
  local label=$1; shift
  local log="$work/time.log"
  if /usr/bin/time -v "$@" >"$work/out.log" 2>"$log"; then
    local wall rss
    wall=$(grep 'Elapsed (wall clock)' "$log" | awk '{print $NF}')
    rss=$(grep 'Maximum resident set size' "$log" | awk '{print $NF}')
    printf '%-28s %10s %10s MB\n' "$label" "$wall" "$((rss / 1024))"
  else
    printf '%-28s failed (see %s)\n' "$label" "$log"
  fi
}

for n in ${sizes[*]}; do
  dir="$work/bulletin-$n"
  mkdir -p "$dir/articles"
  cp -r content/images "$dir/images"
  cp content/bulletin.toml "$dir/"
  i=0
  while [ "$i" -lt "$n" ]; do
    for a in content/articles/*.md; do
      [ "$i" -lt "$n" ] || break
      cp "$a" "$dir/articles/$(printf '%05d' "$i")-$(basename "$a")"
      i=$((i + 1))
    done
  done
  echo "== $n articles"
  printf '%-28s %10s %10s\n' tool wall peak-rss
  measure "folio pdf+epub" "$folio" build "$dir" -o "$work/out-$n"
  measure "folio pdf+epub (1 thread)" "$folio" build "$dir" -o "$work/out1-$n" --jobs 1
  measure "folio pdf only" "$folio" build "$dir" -o "$work/outp-$n" --format pdf
  if command -v pandoc >/dev/null; then
    cat "$dir"/articles/*.md >"$work/all-$n.md"
    measure "pandoc epub" pandoc "$work/all-$n.md" --resource-path="$dir/articles" -o "$work/p-$n.epub"
  fi
  if command -v typst >/dev/null; then
    echo "(typst: needs a .typ translation of the bulletin; not generated yet)"
  fi
done
