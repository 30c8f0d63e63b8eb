"""folio beside typst and pandoc on the inputs benches/gen.py makes. Run through
benches/compare.sh, which sets up the Python tools; prints a table and asserts nothing.

Each round runs folio (PDF + EPUB), typst (PDF, from the `.typ` pandoc writes for the
same Markdown) and pandoc (EPUB) one after the other, so all three see the same machine
state; the table shows the median of the rounds. Wall and CPU time (user + system) and
peak RSS come from GNU time.
"""

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

folio, pandoc, python, data, fonts = sys.argv[1:6]
rounds = int(sys.argv[6]) if len(sys.argv) > 6 else 3
data = Path(data)
work = Path(tempfile.mkdtemp(prefix="folio-bench-"))
env = dict(os.environ, SOURCE_DATE_EPOCH="1735603200")
TYPST = ("import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2], root=sys.argv[3], "
         "font_paths=[sys.argv[4]])")


def timed(cmd, outputs):
    log = work / "time.log"
    r = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", str(log), *cmd],
                       env=env, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{r.stderr[-2000:]}")
    wall, user, sys_, rss = log.read_text().split()[-4:]
    size = sum(Path(o).stat().st_size for o in outputs)
    return float(wall), float(user) + float(sys_), int(rss) / 1024, size


def median(runs):
    return tuple(statistics.median(r[i] for r in runs) for i in range(4))


def row(label, m):
    wall, cpu, rss, size = m
    print(f"| {label} | {wall:.2f} s | {cpu:.2f} s | {rss:.0f} MB | {size / 1e6:.1f} MB |")


def pictures_size(folder):
    return sum(p.stat().st_size for p in (folder / "images").iterdir())


def shape(name, jobs=None, peers=True, formats=None):
    src = data / name
    out = work / name
    args = [folio, "build", str(src), "-o", str(out)]
    if jobs:
        args += ["--jobs", str(jobs)]
    if formats:
        args += ["--format", formats]
    outputs = [out / f"bulletin.{f}" for f in (formats or "pdf,epub").split(",")]
    typ = src / "peer" / "all.typ"
    md = src / "peer" / "all.md"
    if peers:
        subprocess.run([pandoc, "-f", "markdown+east_asian_line_breaks-citations", "-t", "typst",
                        "-s", "-o", str(typ), str(md)], check=True)
    runs = {"folio": [], "typst": [], "pandoc": []}
    for _ in range(rounds):
        runs["folio"].append(timed(args, outputs))
        if peers:
            pdf = work / f"{name}-typst.pdf"
            runs["typst"].append(timed([python, "-c", TYPST, str(typ), str(pdf), str(src), fonts],
                                       [pdf]))
            epub = work / f"{name}-pandoc.epub"
            runs["pandoc"].append(timed([pandoc, "-f", "markdown+east_asian_line_breaks-citations",
                                         f"--resource-path={src / 'peer'}", "-o", str(epub),
                                         str(md)], [epub]))
    return {k: median(v) for k, v in runs.items() if v}


print(f"{rounds} rounds, medians; {os.cpu_count()} CPUs\n")
for name, title in [("report", "120-article report, 150 JPEG photos + 50 PNG charts"),
                    ("newsletter", "newsletter, 500 WebP pictures")]:
    m = shape(name)
    pics = pictures_size(data / name)
    print(f"### {title} ({pics / 1e6:.1f} MB of pictures)\n")
    print("| tool | wall | CPU | peak RSS | output |")
    print("| --- | --- | --- | --- | --- |")
    row("folio PDF + EPUB", m["folio"])
    row("typst PDF", m["typst"])
    row("pandoc EPUB", m["pandoc"])
    f, t = m["folio"], m["typst"]
    pdf = (work / name / "bulletin.pdf").stat().st_size
    print(f"\nfolio/typst: wall {f[0] / t[0]:.2f}×, peak RSS {f[2] / t[2]:.2f}×; "
          f"folio PDF {pdf / 1e6:.1f} MB = {pdf / pics:.2f}× its pictures\n")

print("### the report without pictures, folio only\n")
print("| build | wall | CPU | peak RSS | output |")
print("| --- | --- | --- | --- | --- |")
for label, jobs, formats in [("PDF + EPUB, 2 threads", 2, None), ("PDF + EPUB, 1 thread", 1, None),
                             ("PDF, 1 thread", 1, "pdf"), ("EPUB, 1 thread", 1, "epub")]:
    row(label, shape("report-text", jobs=jobs, peers=False, formats=formats)["folio"])
