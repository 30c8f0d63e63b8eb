#!/usr/bin/env bash
# Rebuild the default fonts shipped in fonts/ (see fonts/README.md).
#
#   bash scripts/build-fonts.sh           rebuild and (over)write the generated files in fonts/
#   bash scripts/build-fonts.sh --check   rebuild in a temp dir and compare byte for byte with
#                                         fonts/ and fonts/SHA256SUMS; writes nothing
#
# Inputs, all pinned:
#   npm   @expo-google-fonts/noto-serif-sc@0.4.3, @expo-google-fonts/noto-sans-sc@0.4.3,
#         @expo-google-fonts/jetbrains-mono@0.4.1, @expo-google-fonts/noto-emoji@0.4.7 (fetched with `npm pack`; the .ttf and
#         LICENSE_FONT files taken from them are checked against the sha256 sums below)
#   PyPI  fonttools==4.68.0 (pyftsubset), installed into a throw-away venv
#   apt   unicode-data (Unihan kTGH field = the 8,105 characters of the Table of General
#         Standard Chinese Characters; the count is checked)
#
# The output is byte-identical from run to run: pyftsubset keeps the source fonts'
# head.created/head.modified (it does not recalculate timestamps), and SOURCE_DATE_EPOCH is
# pinned as well in case anything does. Generated files: the six .ttf, the three OFL-*.txt,
# charset.txt and SHA256SUMS. fonts/README.md is written by hand and never touched.
#
# Needs: bash, coreutils, python3 (>= 3.10, with venv), npm; as root it apt-get installs
# what is missing (npm, python3-venv, unicode-data).
set -euo pipefail

FONTTOOLS_VERSION=4.68.0
SERIF_PKG=@expo-google-fonts/noto-serif-sc@0.4.3
SANS_PKG=@expo-google-fonts/noto-sans-sc@0.4.3
MONO_PKG=@expo-google-fonts/jetbrains-mono@0.4.1
EMOJI_PKG=@expo-google-fonts/noto-emoji@0.4.7
# Fixed epoch (2023-09-01T00:00:00Z); see the header comment.
export SOURCE_DATE_EPOCH=1693526400
export PYTHONHASHSEED=0 LC_ALL=C TZ=UTC
umask 022

# sha256 of the files taken from the npm tarballs (path inside the tarball, under package/)
SOURCE_SUMS='
c358a69de3df5f423a8946a7b03e3126fb6ba116f1130a463455b4e39e1f0742  serif/400Regular/NotoSerifSC_400Regular.ttf
9c6a2ba736e4b499c84f65ce366bd3625c0401885fd3e585ace50fb738b96ff6  serif/700Bold/NotoSerifSC_700Bold.ttf
5e0da210fb04058a8c0087985d2d456b931c2579811a49655721d3cf0c36b6d6  serif/LICENSE_FONT
d45f67f0a7c0ca3f256950777ce6a61cc7ce5f9696d02900cbbaac25f8aa7d16  sans/400Regular/NotoSansSC_400Regular.ttf
9a38ae0ab28cd5a256f9ea8e00dedc688aac17f7915fcb000572990afa956b96  sans/700Bold/NotoSansSC_700Bold.ttf
1c05c68c34f9708415aada51f17e1b0092d2cea709bf4a94cd38114f9e73d7d9  sans/LICENSE_FONT
b6b1ff4ddefe36d7f2a6174e1d001cab374e594519ee9049af028d577b64c5f5  mono/400Regular/JetBrainsMono_400Regular.ttf
a2349098b9e45419e7bf0e2958d6c4937a049dded37387b08be725be4c7615f3  mono/700Bold/JetBrainsMono_700Bold.ttf
b2fe5e8987594e9ffd1d2ca52a2f5d73eb8335243893c5d6254b5ad69269591d  mono/LICENSE_FONT
24aaa2a20c9c06ffe9bf04284bfd1f14376a329d10122f902abe2770817eb504  emoji/400Regular/NotoEmoji_400Regular.ttf
500bb1ccf43df7bbb522112f9133a52b16e1c35e809632f5d8609b179152de5b  emoji/LICENSE_FONT
'

# pyftsubset options for the Noto SC fonts (documented in fonts/README.md)
SUBSET_OPTS=(
  --layout-features='*'   # keep every GSUB/GPOS feature (locl, vert, vrt2, kern, palt, chws, ...)
  --name-IDs='*'          # keep the whole name table (copyright, licence, licence URL, ...)
  --name-languages='*'
  --notdef-outline        # keep the .notdef box instead of an empty glyph
)                         # hinting (prep/gasp) is kept: pyftsubset's default

GENERATED=(
  NotoSerifSC-Regular.ttf NotoSerifSC-Bold.ttf
  NotoSansSC-Regular.ttf NotoSansSC-Bold.ttf
  JetBrainsMono-Regular.ttf JetBrainsMono-Bold.ttf NotoEmoji-Regular.ttf
  OFL-NotoSerifSC.txt OFL-NotoSansSC.txt OFL-JetBrainsMono.txt OFL-NotoEmoji.txt
  charset.txt SHA256SUMS
)

usage() { sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; }
log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'build-fonts: error: %s\n' "$*" >&2; exit 1; }

MODE=build
case "${1-}" in
  '') ;;
  --check) MODE=check ;;
  -h|--help) usage; exit 0 ;;
  *) usage >&2; exit 2 ;;
esac
[ $# -le 1 ] || { usage >&2; exit 2; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FONTS="$ROOT/fonts"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/folio-fonts.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
OUT="$WORK/out"
mkdir -p "$OUT"

# ---------------------------------------------------------------- prerequisites
APT_UPDATED=
apt_install() {
  [ "$(id -u)" = 0 ] || die "missing $*; install it (apt-get install $*) or run as root"
  command -v apt-get >/dev/null || die "missing $* and no apt-get to install it"
  if [ -z "$APT_UPDATED" ]; then
    apt-get update -qq >&2
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

command -v python3 >/dev/null || apt_install python3
command -v npm >/dev/null || apt_install npm

find_unihan() {
  local f
  for f in /usr/share/unicode/Unihan_OtherMappings.txt{,.bz2,.gz,.xz} \
           /usr/share/unicode/Unihan.zip /usr/share/unicode-data/Unihan.zip; do
    [ -e "$f" ] && { echo "$f"; return 0; }
  done
  return 1
}
UNIHAN=$(find_unihan) || { apt_install unicode-data; UNIHAN=$(find_unihan) || die "unicode-data installed but no Unihan_OtherMappings found under /usr/share/unicode"; }

log "fonttools $FONTTOOLS_VERSION into a temporary venv"
if ! python3 -m venv "$WORK/venv" >/dev/null 2>&1; then
  rm -rf "$WORK/venv"
  apt_install python3-venv
  python3 -m venv "$WORK/venv"
fi
PY="$WORK/venv/bin/python"
"$PY" -m pip install --quiet --disable-pip-version-check --no-input "fonttools==$FONTTOOLS_VERSION" >&2
[ "$("$PY" -c 'import fontTools; print(fontTools.version)')" = "$FONTTOOLS_VERSION" ] || die "fonttools version mismatch"

# ---------------------------------------------------------------- sources
log "npm pack $SERIF_PKG $SANS_PKG $MONO_PKG $EMOJI_PKG"
SRC="$WORK/src"
mkdir -p "$SRC/npm"
fetch() { # name pkg
  local tgz
  tgz=$(cd "$SRC/npm" && npm pack --silent "$2" | tail -n 1)
  [ -f "$SRC/npm/$tgz" ] || die "npm pack $2 failed"
  mkdir -p "$SRC/$1"
  tar -xzf "$SRC/npm/$tgz" -C "$SRC/$1" --strip-components=1
}
fetch serif "$SERIF_PKG"
fetch sans "$SANS_PKG"
fetch mono "$MONO_PKG"
fetch emoji "$EMOJI_PKG"
(cd "$SRC" && printf '%s\n' "$SOURCE_SUMS" | sed '/^$/d' | sha256sum --quiet -c -) \
  || die "source files do not match the pinned sha256 sums"

# ---------------------------------------------------------------- charset
log "charset (GB 2312 + kTGH + blocks) from $UNIHAN"
"$PY" - "$UNIHAN" "$OUT/charset.txt" <<'PY'
import bz2, gzip, io, lzma, sys, zipfile

unihan, out = sys.argv[1], sys.argv[2]

def other_mappings():
    if unihan.endswith(".zip"):
        with zipfile.ZipFile(unihan) as z:
            return io.TextIOWrapper(z.open("Unihan_OtherMappings.txt"), encoding="utf-8").read()
    opener = {".bz2": bz2.open, ".gz": gzip.open, ".xz": lzma.open}.get(unihan[unihan.rfind("."):], open)
    with opener(unihan, "rt", encoding="utf-8") as f:
        return f.read()

# GB 2312: every valid two-byte EUC-CN sequence (682 symbols + 6,763 hanzi)
gb2312 = set()
for b1 in range(0xA1, 0xFF):
    for b2 in range(0xA1, 0xFF):
        try:
            s = bytes((b1, b2)).decode("gb2312")
        except UnicodeDecodeError:
            continue
        assert len(s) == 1
        gb2312.add(ord(s))
assert len(gb2312) == 7445, len(gb2312)

# Table of General Standard Chinese Characters (2013): Unihan kTGH
tgh = set()
for line in other_mappings().splitlines():
    f = line.split("\t")
    if len(f) >= 3 and f[1] == "kTGH":
        tgh.add(int(f[0][2:], 16))
assert len(tgh) == 8105, len(tgh)

ranges = [
    (0x0020, 0x007E),  # Basic Latin (printable)
    (0x00A0, 0x00FF),  # Latin-1 Supplement (printable)
    (0x0100, 0x017F),  # Latin Extended-A
    (0x0180, 0x024F),  # Latin Extended-B
    (0x2000, 0x206F),  # General Punctuation
    (0x2100, 0x214F),  # Letterlike Symbols
    (0x2150, 0x218F),  # Number Forms
    (0x2190, 0x21FF),  # Arrows
    (0x2460, 0x24FF),  # Enclosed Alphanumerics
    (0x25A0, 0x25FF),  # Geometric Shapes
    (0x2E3A, 0x2E3B),  # two- and three-em dash
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0x3040, 0x309F),  # Hiragana
    (0x30A0, 0x30FF),  # Katakana
    (0xFE00, 0xFE0F),  # Variation Selectors (keeps the cmap 14 punctuation variants)
    (0xFE10, 0xFE1F),  # Vertical Forms
    (0xFE30, 0xFE4F),  # CJK Compatibility Forms
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms
]
cps = gb2312 | tgh | {0x00B7, 0x2014, 0x2026}
for a, b in ranges:
    cps.update(range(a, b + 1))
with open(out, "w", encoding="ascii", newline="\n") as f:
    for c in sorted(cps):
        f.write("U+%04X\n" % c)
print("charset: %d code points (GB 2312 %d, kTGH %d)" % (len(cps), len(gb2312), len(tgh)), file=sys.stderr)
PY

# ---------------------------------------------------------------- fonts
subset() { # src dst
  log "pyftsubset $(basename "$1") -> $2"
  "$WORK/venv/bin/pyftsubset" "$1" --unicodes-file="$OUT/charset.txt" "${SUBSET_OPTS[@]}" \
    --output-file="$OUT/$2"
}
subset "$SRC/serif/400Regular/NotoSerifSC_400Regular.ttf" NotoSerifSC-Regular.ttf
subset "$SRC/serif/700Bold/NotoSerifSC_700Bold.ttf" NotoSerifSC-Bold.ttf
subset "$SRC/sans/400Regular/NotoSansSC_400Regular.ttf" NotoSansSC-Regular.ttf
subset "$SRC/sans/700Bold/NotoSansSC_700Bold.ttf" NotoSansSC-Bold.ttf
# JetBrains Mono has no CJK and is ~115 KB: shipped unmodified.
cp "$SRC/mono/400Regular/JetBrainsMono_400Regular.ttf" "$OUT/JetBrainsMono-Regular.ttf"
cp "$SRC/mono/700Bold/JetBrainsMono_700Bold.ttf" "$OUT/JetBrainsMono-Bold.ttf"
cp "$SRC/serif/LICENSE_FONT" "$OUT/OFL-NotoSerifSC.txt"
cp "$SRC/sans/LICENSE_FONT" "$OUT/OFL-NotoSansSC.txt"
cp "$SRC/mono/LICENSE_FONT" "$OUT/OFL-JetBrainsMono.txt"
# Noto Emoji (monochrome outlines, ~870 KB, 1,500+ emoji): the last fallback of every style;
# shipped unmodified (folio's PDF and EPUB writers subset it to the emoji a book uses).
cp "$SRC/emoji/400Regular/NotoEmoji_400Regular.ttf" "$OUT/NotoEmoji-Regular.ttf"
cp "$SRC/emoji/LICENSE_FONT" "$OUT/OFL-NotoEmoji.txt"

# ---------------------------------------------------------------- verify
log "verifying the built fonts"
"$PY" - "$OUT" "$SRC" <<'PY'
import sys
from fontTools.ttLib import TTFont

out, src = sys.argv[1], sys.argv[2]
charset = {int(l[2:], 16) for l in open(out + "/charset.txt")}
must = set(
    "学校深入推进学习贯彻习近平新时代中国特色社会主义思想主题教育"
    "，。、；：？！（）「」《》“”‘’—…·"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)
errors = []

def check(name, source, cjk):
    f = TTFont(out + "/" + name)
    s = TTFont(source, lazy=True)
    def err(msg):
        errors.append("%s: %s" % (name, msg))
    if "glyf" not in f or "CFF " in f or "CFF2" in f:
        err("not a glyf TrueType font")
    if f["OS/2"].fsType != 0:
        err("fsType is %d, expected 0 (installable)" % f["OS/2"].fsType)
    if f["head"].modified != s["head"].modified:
        err("head.modified changed")
    cmap = f.getBestCmap()
    missing = [c for c in must if ord(c) not in cmap]
    if missing:
        err("missing " + "".join(sorted(missing)))
    if cjk:
        scmap = s.getBestCmap()
        lost = sorted(c for c in charset if c in scmap and c not in cmap)
        if lost:
            err("%d charset code points lost, e.g. U+%04X" % (len(lost), lost[0]))
        for t in ("GDEF", "GSUB", "GPOS", "vhea", "vmtx"):
            if t not in f:
                err("no %s table" % t)
        gsub = {r.FeatureTag for r in f["GSUB"].table.FeatureList.FeatureRecord}
        gpos = {r.FeatureTag for r in f["GPOS"].table.FeatureList.FeatureRecord}
        sgsub = {r.FeatureTag for r in s["GSUB"].table.FeatureList.FeatureRecord}
        sgpos = {r.FeatureTag for r in s["GPOS"].table.FeatureList.FeatureRecord}
        if gsub != sgsub or gpos != sgpos:
            err("layout features lost: %s" % sorted((sgsub - gsub) | (sgpos - gpos)))
        for tag in ("locl", "vert"):
            if tag not in gsub:
                err("no GSUB %s" % tag)
        if "kern" not in gpos:
            err("no GPOS kern")
        print("  %-24s %9d bytes  %5d glyphs  %5d cmap  GSUB %s  GPOS %s" % (
            name, len(open(out + "/" + name, "rb").read()), f["maxp"].numGlyphs, len(cmap),
            ",".join(sorted(gsub)), ",".join(sorted(gpos))), file=sys.stderr)

check("NotoSerifSC-Regular.ttf", src + "/serif/400Regular/NotoSerifSC_400Regular.ttf", True)
check("NotoSerifSC-Bold.ttf", src + "/serif/700Bold/NotoSerifSC_700Bold.ttf", True)
check("NotoSansSC-Regular.ttf", src + "/sans/400Regular/NotoSansSC_400Regular.ttf", True)
check("NotoSansSC-Bold.ttf", src + "/sans/700Bold/NotoSansSC_700Bold.ttf", True)
for n in ("JetBrainsMono-Regular.ttf", "JetBrainsMono-Bold.ttf"):
    f = TTFont(out + "/" + n)
    cmap = f.getBestCmap()
    if "glyf" not in f or f["OS/2"].fsType != 0 or any(c not in cmap for c in range(0x20, 0x7F)):
        errors.append(n + ": not glyf, fsType != 0, or ASCII missing")
f = TTFont(out + "/NotoEmoji-Regular.ttf")
cmap = f.getBestCmap()
if "glyf" not in f or f["OS/2"].fsType != 0 or any(c not in cmap for c in (0x1F44D, 0x1F389)):
    errors.append("NotoEmoji-Regular.ttf: not glyf, fsType != 0, or no 👍/🎉")
if errors:
    sys.exit("\n".join(errors))
PY

(cd "$OUT" && sha256sum -- *.ttf > SHA256SUMS)

# ---------------------------------------------------------------- install or compare
if [ "$MODE" = check ]; then
  log "comparing with $FONTS"
  fail=0
  for f in "${GENERATED[@]}"; do
    if ! cmp -s "$OUT/$f" "$FONTS/$f"; then
      echo "DIFFERS: fonts/$f" >&2
      fail=1
    fi
  done
  (cd "$OUT" && sha256sum --quiet -c "$FONTS/SHA256SUMS") || fail=1
  (cd "$FONTS" && sha256sum --quiet -c SHA256SUMS) || fail=1
  [ "$fail" = 0 ] || die "rebuild does not match fonts/"
  log "OK: rebuild is byte-identical to fonts/"
  cat "$OUT/SHA256SUMS"
else
  mkdir -p "$FONTS"
  for f in "${GENERATED[@]}"; do
    cmp -s "$OUT/$f" "$FONTS/$f" || cp "$OUT/$f" "$FONTS/$f"
  done
  log "wrote ${GENERATED[*]} to $FONTS"
  cat "$FONTS/SHA256SUMS"
fi
