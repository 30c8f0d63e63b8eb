"""Deterministic benchmark inputs for benches/compare.sh (needs Pillow).

    python3 benches/gen.py OUTDIR

writes three content folders, each also holding `peer/all.md`, the same articles as one
Markdown file for pandoc and typst:

- `report/`: 120 mixed Chinese/English articles (about 340k characters) with 150 JPEG
  photos (2000×1333, quality 85) and 50 PNG charts, like a university's yearly report;
- `report-text/`: the same articles without pictures;
- `newsletter/`: 12 issues × 4 articles with 500 WebP pictures (450 lossy photos at
  quality 75, 50 lossless graphics), like a year of a newsletter.

The same seed gives the same bytes: text comes from the bundled sample articles, pixels
from a seeded generator.
"""

import math
import random
import re
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

REPO = Path(__file__).resolve().parent.parent


def sample_paragraphs():
    paras = []
    for md in sorted((REPO / "content" / "articles").glob("*.md")):
        body = md.read_text(encoding="utf-8").split("---", 2)[2]
        for p in re.split(r"\n\s*\n", body):
            p = p.strip()
            if p and not p.startswith(("!", "#", "|", ">", "-", "*", "[")) and len(p) > 40:
                paras.append(p)
    return paras


def photo(rng, w, h):
    """A photo-like picture: soft colour fields, shapes, fine grain."""
    small = Image.new("RGB", (8, 6))
    small.putdata([tuple(rng.randrange(30, 230) for _ in range(3)) for _ in range(48)])
    img = small.resize((w, h), Image.BICUBIC)
    d = ImageDraw.Draw(img)
    for _ in range(12):
        x, y = rng.randrange(w), rng.randrange(h)
        r = rng.randrange(h // 20, h // 4)
        d.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
    img = img.filter(ImageFilter.GaussianBlur(h / 200))
    grain = Image.frombytes("L", (w, h), rng.randbytes(w * h)).convert("RGB")
    return Image.blend(img, grain, 0.06)


def chart(rng, w, h):
    """A bar chart on white, as office software exports them."""
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    n = rng.randrange(5, 13)
    bw = (w - 200) // n
    for i in range(n):
        v = rng.randrange(h // 10, h - 150)
        colour = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40)][i % 4]
        d.rectangle((100 + i * bw + 10, h - 80 - v, 100 + (i + 1) * bw - 10, h - 80), fill=colour)
    for y in range(80, h - 79, 80):
        d.line((90, h - y, w - 90, h - y), fill=(200, 200, 200), width=2)
    d.line((100, 40, 100, h - 80), fill="black", width=3)
    d.line((100, h - 80, w - 80, h - 80), fill="black", width=3)
    return img


def article(rng, paras, target_chars, title, pictures, lang):
    out = [f'---\ntitle: "{title}"\ndate: 2024-0{rng.randrange(1, 10)}-1{rng.randrange(0, 9)}\n'
           f'author: "新闻中心"\nlang: {lang}\n---\n']
    body, n, pics = [], 0, list(pictures)
    while n < target_chars:
        p = rng.choice(paras)
        body.append(p)
        n += len(p)
        if rng.random() < 0.15:
            body.append(f"## {rng.choice(['进展', 'Progress', '成果', 'Outlook', '展望'])} {len(body)}")
    step = max(1, len(body) // (len(pics) + 1))
    for i, pic in enumerate(pics):
        body.insert(min(len(body), (i + 1) * step + i), f"![图 {i + 1}](../images/{pic})")
    return "\n".join(out) + "\n" + "\n\n".join(body) + "\n", "\n\n".join(body)


def write_folder(root, title, articles):
    (root / "articles").mkdir(parents=True, exist_ok=True)
    (root / "peer").mkdir(exist_ok=True)
    (root / "bulletin.toml").write_text(
        f'title = "{title}"\ndate = "2024-12-31"\nlanguage = "zh-CN"\n', encoding="utf-8")
    whole = [f"% {title}\n"]
    for name, (md, body), head in articles:
        (root / "articles" / name).write_text(md, encoding="utf-8")
        whole.append(f"# {head}\n\n{body}\n")
    (root / "peer" / "all.md").write_text("\n".join(whole), encoding="utf-8")


def report(out, paras, with_pictures):
    rng, pic_rng = random.Random(2024), random.Random(2025)
    root = out / ("report" if with_pictures else "report-text")
    images = root / "images"
    images.mkdir(parents=True, exist_ok=True)
    names = []
    for i in range(200):
        if i % 4 == 3:
            name = f"chart-{i:03}.png"
            if with_pictures:
                chart(pic_rng, 1600, 1000).save(images / name, optimize=False)
        else:
            name = f"photo-{i:03}.jpg"
            if with_pictures:
                photo(pic_rng, 2000, 1333).save(images / name, quality=85)
        names.append(name)
    arts = []
    for a in range(120):
        pics = names[a * 200 // 120:(a + 1) * 200 // 120] if with_pictures else []
        title = f"第 {a + 1} 篇：{['学校', '学院', 'Research', '校园', 'Alumni'][a % 5]}年度报告 {a + 1}"
        arts.append((f"{a + 1:03}.md", article(rng, paras, 1900, title, pics, "zh-CN"), title))
    write_folder(root, "2024 年度报告 Annual Report", arts)


def newsletter(out, paras):
    rng = random.Random(7)
    root = out / "newsletter"
    images = root / "images"
    images.mkdir(parents=True, exist_ok=True)
    names = []
    for i in range(500):
        if i % 10 == 9:
            name = f"graphic-{i:03}.webp"
            chart(rng, 600, 400).save(images / name, lossless=True)
        else:
            name = f"photo-{i:03}.webp"
            photo(rng, 800, 533).save(images / name, quality=75)
        names.append(name)
    arts = []
    for a in range(48):
        pics = names[a * 500 // 48:(a + 1) * 500 // 48]
        title = f"第 {a // 4 + 1} 期 Newsletter {a % 4 + 1}"
        arts.append((f"{a + 1:03}.md", article(rng, paras, 1500, title, pics, "zh-CN"), title))
    write_folder(root, "校园通讯 Campus Newsletter 2024", arts)


if __name__ == "__main__":
    out = Path(sys.argv[1])
    paras = sample_paragraphs()
    report(out, paras, True)
    report(out, paras, False)
    newsletter(out, paras)
