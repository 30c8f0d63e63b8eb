#!/usr/bin/env bash
# folio beside typst and pandoc on generated report- and newsletter-shaped inputs.
# One command: bash benches/compare.sh [ROUNDS]   (default 3; not part of CI)
# It installs its Python tools (Pillow, typst, pandoc from pypandoc_binary) in a venv under
# the target dir, generates the inputs once (benches/gen.py, deterministic), builds folio
# in release mode and prints a Markdown table of medians.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
venv=$target/bench-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q pillow typst pypandoc_binary
py=$venv/bin/python
stamp=$(sha256sum benches/gen.py | cut -c1-16)
data=$target/bench-data/$stamp
if [ ! -e "$data/done" ]; then
  rm -rf "$data" && mkdir -p "$data"
  "$py" benches/gen.py "$data"
  touch "$data/done"
fi
cargo build --release --quiet
pandoc=$("$py" -c 'import pypandoc; print(pypandoc.get_pandoc_path())')
"$py" benches/compare.py "$target/release/folio" "$pandoc" "$py" "$data" "$PWD/fonts" "${1:-3}"
