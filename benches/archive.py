#!/usr/bin/env python3
"""Benchmark `folio archive` beside the pandoc + typst pipeline, on a generated archive.

Not part of CI; it asserts nothing. Usage (needs a release build and, for the peer,
`pip install pypandoc_binary typst pillow`):

    cargo build --release
    python3 benches/archive.py [--articles 1000] [--small 100] [--work DIR] [--verify]

The archive is generated deterministically (fixed seed): seed-sized articles of 2–4
English and Chinese paragraphs in nested year/month folders, 4 photos each from a pool of
200 JPEGs. It prints the wall time of `folio archive` (1,000 PDFs + 1,000 EPUBs), of the
peer on the same articles (pandoc → typst → PDF and pandoc → EPUB, one article at a time,
as many at once as folio has threads), their ratio, the time of a rerun with nothing
changed, and folio's peak RSS for the small and the large archive.
"""

import argparse
import concurrent.futures
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FOLIO = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target")) / "release" / "folio"

EN = [
    "On the morning of August 31, the institute held its mid-year work meeting.",
    "All school leaders, members of the Party Committee and teachers' representatives attended.",
    "The meeting was held simultaneously on the Zhongguancun and Liangxiang campuses.",
    "The president made a work report on gathering strength, reform and striving for a new chapter.",
    "He pointed out that the school had consolidated the advantages of its development.",
    "Strong breakthroughs were made in talent training and scientific and technological innovation.",
    "The library opened a GPU computing room and extended its weekend hours.",
    "Students can book a workstation online for up to four hours a day.",
    "The network upgrade will take place on Saturday night between 22:00 and 02:00.",
    "Campus construction accelerated and university governance continues to improve.",
]
ZH = [
    "8 月 31 日上午，北京理工大学召开 2023 年年中工作会议。",
    "全体校领导、党委委员、中层领导干部和教师代表出席会议。",
    "会议在中关村校区和良乡校区同步举行，副校长主持会议。",
    "学校深入推进学习贯彻主题教育，巩固学校发展优势。",
    "人才培养取得有力突破，科技创新优势更加巩固。",
    "图书馆新开设 GPU 计算室，并延长周末开放时间。",
    "同学们可以在网上预约工作站，每天最多四小时。",
    "校园网络将于周六晚 22:00 至次日 02:00 进行升级。",
    "校园建设加快推进，大学治理体系持续完善。",
    "坚持以高质量党建引领学校事业高质量发展。",
]


def make_pool(images: Path, count: int) -> None:
    """`count` photo-sized JPEGs (1600×1000, about 200 KB like the seed's), fixed content."""
    from PIL import Image, ImageDraw, ImageFilter

    images.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        path = images / f"photo-{i:03d}.jpg"
        if path.exists():
            continue
        rng = random.Random(i)
        img = Image.effect_noise((1600, 1000), 40 + i % 30).convert("RGB")
        draw = ImageDraw.Draw(img, "RGBA")
        for _ in range(30):
            x, y = rng.randrange(1600), rng.randrange(1000)
            w, h = rng.randrange(80, 600), rng.randrange(80, 400)
            colour = tuple(rng.randrange(256) for _ in range(3)) + (150,)
            draw.rectangle([x, y, x + w, y + h], fill=colour)
        img = img.filter(ImageFilter.GaussianBlur(1.2))
        img.save(path, "JPEG", quality=82)


def generate(root: Path, count: int, pool: int) -> None:
    """A content folder with `count` articles (deterministic) and the photo pool (made once
    beside it, then hard-linked in)."""
    if root.exists():
        shutil.rmtree(root / "articles", ignore_errors=True)
    (root / "articles").mkdir(parents=True, exist_ok=True)
    (root / "bulletin.toml").write_text(
        'title = "Archive benchmark"\nlanguage = "zh-CN"\ndate = "2023-09-01"\n', "utf-8"
    )
    shared = root.parent / "pool"
    make_pool(shared, pool)
    (root / "images").mkdir(exist_ok=True)
    for photo in shared.iterdir():
        target = root / "images" / photo.name
        if not target.exists():
            os.link(photo, target)
    rng = random.Random(20231130)
    for i in range(count):
        year, month = 2010 + i % 14, 1 + (i // 14) % 12
        folder = root / "articles" / f"{year}" / f"{month:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        english = i % 2 == 0
        photos = rng.sample(range(pool), 4)
        paras = []
        for p in range(rng.randint(2, 4)):
            source = EN if (p % 2 == 0) == english else ZH
            paras.append(("" if source is ZH else " ").join(rng.sample(source, rng.randint(3, 6))))
        body = []
        for n, para in enumerate(paras):
            body.append(para)
            for ph in photos[n::len(paras)]:
                body.append(f"![Photo {ph}](images/photo-{ph:03d}.jpg)")
        title = f"Archive article {i}" if english else f"档案文章第 {i} 篇"
        text = (
            f'---\ntitle: "{title}"\ndate: {year}-{month:02d}-{1 + i % 28:02d}\n'
            f'author: "{"News Center" if english else "新闻中心"}"\n'
            f'lang: {"en" if english else "zh-CN"}\n---\n\n' + "\n\n".join(body) + "\n"
        )
        (folder / f"{i:04d}.md").write_text(text, "utf-8")


def run(cmd, **kw):
    """Runs a command; returns (seconds, peak RSS in MB of that process)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)
    _, status, usage = os.wait4(proc.pid, 0)
    secs = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{cmd[0]} failed:\n{err[-2000:]}")
    return secs, usage.ru_maxrss / 1024


def peer(content: Path, out: Path, jobs: int, limit: int) -> tuple[float, int]:
    """pandoc + typst, one article at a time (`jobs` at once): Markdown → Typst → PDF and
    Markdown → EPUB. Runs the first `limit` articles; returns (seconds, articles run)."""
    import pypandoc
    import typst

    pandoc = pypandoc.get_pandoc_path()
    fonts = [str(REPO / "fonts")]
    articles = sorted(content.rglob("*.md"))[:limit]
    out.mkdir(parents=True, exist_ok=True)

    def one(md: Path) -> None:
        stem = out / md.relative_to(content).with_suffix("")
        stem.parent.mkdir(parents=True, exist_ok=True)
        fmt = "markdown+east_asian_line_breaks-citations"
        # Picture paths are relative to the content folder, which pandoc resolves from cwd.
        subprocess.run([pandoc, "-f", fmt, "-t", "typst", "-s", str(md), "-o", f"{stem}.typ"], check=True, cwd=content)
        subprocess.run([pandoc, "-f", fmt, "-t", "epub3", str(md), "-o", f"{stem}.epub"], check=True, cwd=content)
        typ = Path(f"{stem}.typ")
        # typst resolves paths from the .typ file; point them at the content folder.
        typ.write_text(typ.read_text("utf-8").replace('"images/', f'"{content}/images/'), "utf-8")
        typst.compile(str(typ), output=f"{stem}.pdf", root="/", font_paths=fonts)

    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        list(pool.map(one, articles))
    return time.perf_counter() - start, len(articles)


def verify(out: Path, count: int, sample: int) -> None:
    """The acceptance checks on the large archive."""
    pdfs = sorted(out.rglob("*.pdf"))
    epubs = sorted(out.rglob("*.epub"))
    print(f"files: {len(pdfs)} PDFs, {len(epubs)} EPUBs (expected {count} each)")
    bad_qpdf = bad_pdfa = 0
    for pdf in pdfs:
        if subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True).returncode != 0:
            bad_qpdf += 1
        qdf = subprocess.run(
            ["qpdf", "--qdf", "--object-streams=disable", str(pdf), "-"], capture_output=True
        ).stdout
        if b"<pdfaid:part>2</pdfaid:part>" not in qdf or b"/OutputIntents" not in qdf:
            bad_pdfa += 1
    print(f"qpdf --check failures: {bad_qpdf}; PDFs without pdfaid:part 2 + OutputIntents: {bad_pdfa}")
    lines = (out / "manifest.jsonl").read_text("utf-8").splitlines()
    mismatched = 0
    for line in lines:
        for o in json.loads(line)["outputs"]:
            data = (out / o["path"]).read_bytes()
            if hashlib.sha256(data).hexdigest() != o["sha256"] or len(data) != o["bytes"]:
                mismatched += 1
    print(f"manifest: {len(lines)} lines; outputs whose sha256/size differ: {mismatched}")
    jar = os.environ.get("FOLIO_EPUBCHECK_JAR")
    if jar:
        step = max(1, len(epubs) // sample)
        chosen = epubs[::step][:sample]
        failed = 0
        for e in chosen:
            r = subprocess.run(["java", "-jar", jar, str(e)], capture_output=True, text=True)
            if r.returncode != 0 or "No errors or warnings detected" not in r.stdout + r.stderr:
                failed += 1
        print(f"epubcheck: {len(chosen)} EPUBs checked, {failed} with errors or warnings")
    else:
        print("epubcheck: skipped (set FOLIO_EPUBCHECK_JAR)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--small", type=int, default=100)
    ap.add_argument("--pool", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--work", type=Path, default=Path("/tmp/folio-archive-bench"))
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--peer-articles", type=int, default=0,
                    help="run the peer on only this many articles and scale its time up")
    ap.add_argument("--verify", action="store_true")
    a = ap.parse_args()
    env = dict(os.environ, SOURCE_DATE_EPOCH="1693526400")
    results = {}
    for n in (a.small, a.articles):
        content = a.work / f"content-{n}"
        generate(content, n, a.pool)
        out = a.work / f"folio-{n}"
        shutil.rmtree(out, ignore_errors=True)
        cmd = [str(FOLIO), "archive", str(content), "-o", str(out), "-q", "--jobs", str(a.jobs)]
        secs, rss = run(cmd, env=env)
        again, _ = run(cmd, env=env)
        results[n] = (secs, rss, again)
        print(f"folio archive, {n} articles: {secs:.1f} s, peak RSS {rss:.0f} MB; "
              f"rerun with nothing changed {again:.2f} s ({100 * again / secs:.1f} %)")
    big = a.articles
    print(f"peak RSS {big} vs {a.small} articles: {results[big][1] / results[a.small][1]:.2f}×")
    if not a.no_peer:
        limit = a.peer_articles or big
        t, ran = peer(a.work / f"content-{big}", a.work / f"peer-{big}", a.jobs, limit)
        print(f"pandoc + typst, {ran} articles ({a.jobs} at once): {t:.1f} s")
        if ran < big:
            t = t * big / ran
            print(f"pandoc + typst, {big} articles, scaled from {ran}: {t:.1f} s")
        print(f"folio / peer time: {results[big][0] / t:.3f}×")
    if a.verify:
        verify(a.work / f"folio-{big}", big, 20)


if __name__ == "__main__":
    main()
