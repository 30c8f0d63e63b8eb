"""A long mixed Chinese/English bulletin for the line-breaking benchmark:
typo_mixed_doc.py N OUTDIR writes OUTDIR/bulletin.toml, articles/ and images/ from the bundled
sample (N=100: about 360 A4 pages). Deterministic (fixed seed)."""
import os, random, re, shutil, sys

n = int(sys.argv[1]); out = sys.argv[2]
src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "content")
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out + "/articles")
shutil.copytree(src + "/images", out + "/images")
shutil.copy(src + "/bulletin.toml", out + "/bulletin.toml")
paras = []
for f in sorted(os.listdir(src + "/articles")):
    body = open(src + "/articles/" + f, encoding="utf-8").read().split("---", 2)[2]
    for p in body.split("\n\n"):
        p = p.strip()
        if len(p) > 80 and not p.startswith(("!", "#", "|", "-", "1.", ">", "[^", "```")):
            paras.append(p)
sentences = [s for p in paras for s in re.split(r"(?<=[。.！？])", p) if len(s.strip()) > 10]
rng = random.Random(7)
for k in range(n):
    lang = "en" if k % 3 == 0 else "zh-CN"
    chosen = []
    for _ in range(rng.randint(6, 12)):
        if rng.random() < 0.5:
            chosen.append(rng.choice(paras))
        else:
            chosen.append("".join(rng.choice(sentences).strip() for _ in range(rng.randint(3, 8))))
    title = f"第 {k+1} 篇 Report {k+1}: " + rng.choice(["学校推进主题教育", "Library opens a GPU room", "网络升级通知", "Opening ceremony"])
    with open(f"{out}/articles/{k:03d}.md", "w", encoding="utf-8") as fh:
        fh.write(f'---\ntitle: "{title}"\ndate: 2023-08-31\nauthor: "News Center"\nlang: {lang}\n---\n\n')
        fh.write("\n\n".join(chosen) + "\n")
