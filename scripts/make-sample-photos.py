#!/usr/bin/env python3
# requires: pillow==10.4.0        (pip install "pillow==10.4.0")
# Python >= 3.9. No other dependencies (no numpy).
"""Generate the sample images used by the bulletin in content/.

Writes into content/images/ (or --out DIR):

  Wechat picture _20230901114436_3_ Copy.jpg   wide view of a meeting hall from the back
  Wechat picture _20230901114436_2.jpg         closer view of the stage and head table
  Wechat photo _20230901114436.jpg             second campus hall, seen from the side aisle
  Wechat picture _20230901114436_1.jpg         speaker at the lectern, close to the stage
  emblem.png                                   600x600 RGBA emblem, transparent background

The photos are drawn procedurally (one-point perspective hall, stage, banner, rows of
seated people, ceiling lights with glow, lens softness, vignette and film grain) so they
look like photographs when printed, not like test patterns.  The file names keep the
spaces of the source article on purpose.

JPEGs are baseline (non-progressive), quality 82, 4:2:0, no EXIF, about 1700x1063 px
(170 mm wide at ~254 dpi).  Everything is driven by fixed seeds and Python's own
`random` module, so the output is byte-for-byte reproducible with the pinned Pillow.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from pathlib import Path

import PIL
from PIL import Image, ImageChops, ImageDraw, ImageEnhance, ImageFilter

PILLOW_PIN = "10.4.0"
SEED = 20230831
JPEG_QUALITY = 82
PHOTO_SIZE = (1700, 1063)
SS = 2  # supersampling factor for the line art (drawn at 2x, then downscaled)


# --------------------------------------------------------------------------- helpers


def mix(c0, c1, t):
    t = max(0.0, min(1.0, t))
    return tuple(int(round(a + (b - a) * t)) for a, b in zip(c0, c1))


def shade(c, k):
    return tuple(max(0, min(255, int(round(v * k)))) for v in c)


def vgrad(size, c0, c1, y0=0, y1=None):
    """RGB image: colour c0 above y0, c1 below y1, linear in between."""
    w, h = size
    if y1 is None:
        y1 = h
    col = Image.new("L", (1, h))
    span = max(1, y1 - y0)
    col.putdata([max(0, min(255, int(255 * (y - y0) / span))) for y in range(h)])
    mask = col.resize((w, h))
    return Image.composite(Image.new("RGB", size, c1), Image.new("RGB", size, c0), mask)


def paste_poly(img, pts, fill_img):
    mask = Image.new("L", img.size, 0)
    ImageDraw.Draw(mask).polygon(pts, fill=255)
    img.paste(fill_img, (0, 0), mask)


def noise_layer(rng, size, amount):
    """Grey image centred on 128 with triangular-distributed grain of +-amount."""
    w, h = size
    a = Image.frombytes("L", size, rng.randbytes(w * h))
    b = Image.frombytes("L", size, rng.randbytes(w * h))
    n = ImageChops.add(a, b, scale=2.0)  # (a+b)/2: triangular around 127.5
    k = amount / 128.0
    return n.point(lambda v: max(0, min(255, int(round(128 + (v - 128) * k * 2)))))


def pseudo_glyph(draw, x, y, s, fill, rng):
    """A cluster of strokes that reads as a CJK character at a distance."""
    t = max(1, int(s * 0.11))
    n = rng.randint(3, 6)
    for _ in range(n):
        kind = rng.random()
        if kind < 0.45:  # horizontal
            yy = y + rng.uniform(0.1, 0.9) * s
            x0 = x + rng.uniform(0.0, 0.4) * s
            x1 = x + rng.uniform(0.6, 1.0) * s
            draw.rectangle([x0, yy - t / 2, x1, yy + t / 2], fill=fill)
        elif kind < 0.8:  # vertical
            xx = x + rng.uniform(0.1, 0.9) * s
            y0 = y + rng.uniform(0.0, 0.4) * s
            y1 = y + rng.uniform(0.6, 1.0) * s
            draw.rectangle([xx - t / 2, y0, xx + t / 2, y1], fill=fill)
        else:  # diagonal sweep
            x0 = x + rng.uniform(0.1, 0.5) * s
            y0 = y + rng.uniform(0.1, 0.5) * s
            dx = rng.choice([-1, 1]) * rng.uniform(0.3, 0.5) * s
            draw.line([x0, y0, x0 + dx, y0 + rng.uniform(0.3, 0.5) * s], fill=fill, width=t)


def text_line(draw, x, y, s, count, fill, rng, gap=0.18):
    for i in range(count):
        pseudo_glyph(draw, x + i * s * (1 + gap), y, s, fill, rng)
    return count * s * (1 + gap) - s * gap


# --------------------------------------------------------------------------- camera


class Camera:
    """Pinhole camera looking down +Z with the horizon at cy (shift lens, no pitch)."""

    def __init__(self, w, h, f, cx, cy, x, y, z):
        self.w, self.h, self.f, self.cx, self.cy = w, h, f, cx, cy
        self.x, self.y, self.z = x, y, z

    def p(self, X, Y, Z):
        d = max(0.05, Z - self.z)
        return (self.cx + self.f * (X - self.x) / d, self.cy - self.f * (Y - self.y) / d)

    def s(self, size, Z):
        return self.f * size / max(0.05, Z - self.z)

    def quad_z(self, x0, x1, y0, y1, Z):
        """Axis-aligned rectangle in a plane of constant Z, as a screen box."""
        a = self.p(x0, y1, Z)
        b = self.p(x1, y0, Z)
        return [a[0], a[1], b[0], b[1]]


# --------------------------------------------------------------------------- scene


SKIN = [(232, 196, 170), (222, 184, 156), (210, 170, 140), (238, 205, 180), (200, 160, 130)]
HAIR = [(18, 16, 16), (26, 22, 20), (34, 30, 28), (45, 40, 36), (90, 88, 86), (150, 148, 146)]
SUIT = [(28, 32, 44), (30, 30, 34), (40, 44, 58), (232, 234, 236), (222, 226, 232),
        (240, 240, 238), (60, 64, 74), (196, 206, 222), (120, 40, 44)]


def person_back(d, cam, X, Z, rng, seat_y=0.0, scale=1.0):
    """Seated person seen from behind: shoulders and back of head."""
    sh = cam.s(0.46 * scale, Z)
    hx, hy = cam.p(X + rng.uniform(-0.04, 0.04), seat_y + 1.30 * scale, Z)
    r = cam.s(0.095 * scale, Z)
    sx, sy = cam.p(X, seat_y + 1.13 * scale, Z)
    suit = rng.choice(SUIT)
    d.ellipse([sx - sh / 2, sy - r * 0.6, sx + sh / 2, sy + r * 2.6], fill=suit)
    # neck
    d.rectangle([hx - r * 0.45, hy, hx + r * 0.45, sy + r * 0.2], fill=shade(rng.choice(SKIN), 0.8))
    hair = rng.choice(HAIR)
    d.ellipse([hx - r, hy - r * 1.15, hx + r, hy + r * 0.95], fill=hair)
    # highlight from ceiling lights on top of the head
    if r > 3:
        d.ellipse([hx - r * 0.55, hy - r * 1.05, hx + r * 0.35, hy - r * 0.45],
                  fill=mix(hair, (170, 165, 160), 0.35))


def person_front(d, cam, X, Z, base_y, rng, standing=False):
    """Person facing the camera (head table, lectern)."""
    r = cam.s(0.105, Z)
    cx, top = cam.p(X, base_y + (1.62 if standing else 1.22), Z)
    sh = cam.s(0.5, Z)
    suit = rng.choice(SUIT[:3] + SUIT[6:7])
    shirt = (236, 238, 240)
    _, sy = cam.p(X, base_y + (1.40 if standing else 1.00), Z)
    _, by = cam.p(X, base_y - 0.2, Z)
    d.rounded_rectangle([cx - sh / 2, sy, cx + sh / 2, by], radius=max(1, int(r * 0.8)), fill=suit)
    d.polygon([(cx - r * 0.5, sy), (cx + r * 0.5, sy), (cx, sy + r * 1.6)], fill=shirt)
    d.rectangle([cx - r * 0.08, sy + r * 0.2, cx + r * 0.08, sy + r * 1.4],
                fill=rng.choice([(150, 30, 40), (40, 50, 110), (90, 30, 50)]))
    skin = rng.choice(SKIN)
    d.rectangle([cx - r * 0.4, top + r * 0.5, cx + r * 0.4, sy + r * 0.2], fill=shade(skin, 0.85))
    d.ellipse([cx - r * 0.85, top - r, cx + r * 0.85, top + r * 1.05], fill=skin)
    hair = rng.choice(HAIR)
    d.chord([cx - r * 0.9, top - r * 1.1, cx + r * 0.9, top + r * 0.7], 180, 360, fill=hair)
    if r > 6:  # glasses / eyes hint
        ey = top + r * 0.05
        for sgn in (-1, 1):
            d.ellipse([cx + sgn * r * 0.35 - r * 0.12, ey - r * 0.07,
                       cx + sgn * r * 0.35 + r * 0.12, ey + r * 0.07], fill=(60, 45, 40))


def flowers(d, cam, x0, x1, Z, rng, y=0.0, height=0.55):
    greens = [(34, 92, 44), (46, 112, 52), (28, 76, 40), (60, 128, 60)]
    blooms = [(214, 40, 48), (236, 196, 60), (240, 236, 226), (230, 120, 40), (200, 60, 120)]
    x = x0
    while x < x1:
        bx, by = cam.p(x, y + height * rng.uniform(0.6, 1.0), Z)
        r = cam.s(rng.uniform(0.18, 0.3), Z)
        d.ellipse([bx - r, by - r * 0.7, bx + r, by + r * 0.9], fill=rng.choice(greens))
        x += rng.uniform(0.12, 0.22)
    x = x0
    while x < x1:
        bx, by = cam.p(x, y + height * rng.uniform(0.7, 1.05), Z - 0.05)
        r = cam.s(rng.uniform(0.04, 0.08), Z)
        d.ellipse([bx - r, by - r, bx + r, by + r], fill=rng.choice(blooms))
        x += rng.uniform(0.05, 0.14)


def render_hall(v: dict, seed: int) -> Image.Image:
    rng = random.Random(seed)
    W0, H0 = PHOTO_SIZE
    w, h = W0 * SS, H0 * SS
    cam = Camera(w, h, v["f"] * w, v["cx"] * w, v["cy"] * h, v["cam_x"], v["cam_y"], v["cam_z"])
    HW, HC, D = v["width"] / 2, v["ceiling"], v["depth"]
    zn = cam.z + 0.35
    P = cam.p

    img = Image.new("RGB", (w, h), (0, 0, 0))
    glow = Image.new("RGB", (w, h), (0, 0, 0))
    d = ImageDraw.Draw(img)
    g = ImageDraw.Draw(glow)

    # ceiling --------------------------------------------------------------
    ceil = [P(-HW, HC, zn), P(HW, HC, zn), P(HW, HC, D), P(-HW, HC, D)]
    paste_poly(img, ceil, vgrad((w, h), shade(v["ceiling_col"], 0.55), v["ceiling_col"],
                                0, int(P(0, HC, D)[1])))
    # coffers
    for z in frange(cam.z + 1.0, D, 2.4):
        d.line([P(-HW, HC, z), P(HW, HC, z)], fill=shade(v["ceiling_col"], 0.7), width=max(1, int(cam.s(0.05, z))))
    for x in frange(-HW, HW + 0.01, 3.0):
        d.line([P(x, HC, zn), P(x, HC, D)], fill=shade(v["ceiling_col"], 0.72), width=2)
    # down-lights
    for z in frange(cam.z + 1.8, D - 0.5, 2.4):
        for x in frange(-HW + 1.5, HW - 1.4, 3.0):
            lx, ly = P(x, HC - 0.02, z)
            rx, ry = cam.s(0.16, z), cam.s(0.05, z) + 0.5
            d.ellipse([lx - rx, ly - ry, lx + rx, ly + ry], fill=(255, 250, 232))
            gr = cam.s(0.7, z)
            g.ellipse([lx - gr, ly - gr * 0.5, lx + gr, ly + gr * 0.5], fill=v["light_col"])

    # side walls -------------------------------------------------------------
    for sgn in (-1, 1):
        X = sgn * HW
        wall = [P(X, 0, zn), P(X, HC, zn), P(X, HC, D), P(X, 0, D)]
        paste_poly(img, wall, vgrad((w, h), shade(v["wall_col"], 0.8), shade(v["wall_col"], 0.55)))
        i = 0
        for z in frange(cam.z + 0.6, D, 1.2):
            z1 = min(D, z + 1.2)
            k = 0.92 if i % 2 else 1.0
            panel = [P(X, 0.2, z), P(X, HC - 1.2, z), P(X, HC - 1.2, z1), P(X, 0.2, z1)]
            d.polygon(panel, fill=shade(v["panel_col"], k * (0.75 + 0.25 * (z - cam.z) / (D - cam.z))))
            d.line([P(X, 0.2, z), P(X, HC - 1.2, z)], fill=shade(v["panel_col"], 0.55), width=2)
            i += 1
        for z in frange(cam.z + 3.0, D - 2, 6.0):  # wall sconces
            sx, sy = P(X, HC - 2.0, z)
            r = cam.s(0.22, z)
            d.ellipse([sx - r * 0.5, sy - r, sx + r * 0.5, sy + r], fill=(255, 238, 200))
            g.ellipse([sx - r * 4, sy - r * 4, sx + r * 4, sy + r * 4], fill=shade(v["light_col"], 0.8))

    # back wall --------------------------------------------------------------
    bw = [P(-HW, 0, D), P(HW, 0, D), P(HW, HC, D), P(-HW, HC, D)]
    paste_poly(img, bw, vgrad((w, h), v["back_col"], shade(v["back_col"], 0.7),
                              int(P(0, HC, D)[1]), int(P(0, 0, D)[1])))
    SW = v["stage_w"] / 2
    ST = v["stage_h"]
    zs = D - v["stage_d"]

    # LED screen
    sx0, sx1 = -v["screen_w"] / 2, v["screen_w"] / 2
    sy0, sy1 = ST + 2.4, HC - 2.6
    box = cam.quad_z(sx0, sx1, sy0, sy1, D - 0.05)
    d.rectangle([box[0] - 6, box[1] - 6, box[2] + 6, box[3] + 6], fill=(20, 20, 24))
    scr = vgrad((w, h), v["screen_top"], v["screen_bot"], int(box[1]), int(box[3]))
    paste_poly(img, [(box[0], box[1]), (box[2], box[1]), (box[2], box[3]), (box[0], box[3])], scr)
    # screen content: emblem disc + two lines of text
    ex, ey = P(0, sy0 + (sy1 - sy0) * 0.62, D - 0.05)
    er = cam.s((sy1 - sy0) * 0.2, D)
    d.ellipse([ex - er, ey - er, ex + er, ey + er], outline=(255, 255, 255), width=max(2, int(er * 0.12)))
    d.ellipse([ex - er * 0.55, ey - er * 0.55, ex + er * 0.55, ey + er * 0.55], fill=(255, 255, 255))
    gs = cam.s(0.42, D)
    n = 12
    lw = n * gs * 1.18
    text_line(d, ex - lw / 2, ey + er * 1.5, gs, n, (255, 255, 255), rng)
    g.rectangle(box, fill=shade(v["screen_top"], 0.35))

    # banner above the screen
    by0, by1 = HC - 1.9, HC - 0.7
    bb = cam.quad_z(-v["banner_w"] / 2, v["banner_w"] / 2, by0, by1, D - 0.04)
    paste_poly(img, [(bb[0], bb[1]), (bb[2], bb[1]), (bb[2], bb[3]), (bb[0], bb[3])],
               vgrad((w, h), shade(v["banner_col"], 1.1), shade(v["banner_col"], 0.8), int(bb[1]), int(bb[3])))
    gs = (bb[3] - bb[1]) * 0.56
    n = v["banner_chars"]
    lw = n * gs * 1.18 - gs * 0.18
    text_line(d, (bb[0] + bb[2]) / 2 - lw / 2, bb[1] + (bb[3] - bb[1]) * 0.22, gs, n, v["banner_text"], rng)

    # curtains at the sides of the stage
    for sgn in (-1, 1):
        xa, xb = sgn * SW, sgn * (SW + v["curtain_w"])
        xa, xb = min(xa, xb), max(xa, xb)
        steps = 40
        for i in range(steps):
            x0 = xa + (xb - xa) * i / steps
            x1 = xa + (xb - xa) * (i + 1) / steps
            k = 0.65 + 0.35 * (0.5 + 0.5 * math.sin(i * 1.3))
            q = [P(x0, 0, D - 0.1), P(x1, 0, D - 0.1), P(x1, HC - 0.3, D - 0.1), P(x0, HC - 0.3, D - 0.1)]
            d.polygon(q, fill=shade(v["curtain_col"], k))
        val = [P(xa, HC - 0.3, D - 0.12), P(xb, HC - 0.3, D - 0.12), P(xb, HC - 1.1, D - 0.12), P(xa, HC - 1.1, D - 0.12)]
        d.polygon(val, fill=shade(v["curtain_col"], 0.8))

    # floor ------------------------------------------------------------------
    fl = [P(-HW, 0, zn), P(HW, 0, zn), P(HW, 0, D), P(-HW, 0, D)]
    paste_poly(img, fl, vgrad((w, h), shade(v["carpet_col"], 0.7), shade(v["carpet_col"], 1.05),
                              int(P(0, 0, D)[1]), h))
    for z in frange(cam.z + 1.0, D, 0.5):  # carpet weave
        d.line([P(-HW, 0, z), P(HW, 0, z)], fill=shade(v["carpet_col"], 0.88), width=1)
    for a in v["aisles"]:
        d.polygon([P(a - 0.6, 0, zn), P(a + 0.6, 0, zn), P(a + 0.6, 0, zs), P(a - 0.6, 0, zs)],
                  fill=shade(v["carpet_col"], 1.15))

    # stage -------------------------------------------------------------------
    d.polygon([P(-SW, ST, zs), P(SW, ST, zs), P(SW, ST, D), P(-SW, ST, D)], fill=v["stage_top"])
    front = cam.quad_z(-SW, SW, 0, ST, zs)
    paste_poly(img, [(front[0], front[1]), (front[2], front[1]), (front[2], front[3]), (front[0], front[3])],
               vgrad((w, h), shade(v["stage_front"], 1.0), shade(v["stage_front"], 0.6), int(front[1]), int(front[3])))
    d.line([P(-SW, ST, zs), P(SW, ST, zs)], fill=(220, 200, 150), width=max(2, int(cam.s(0.03, zs))))
    # stage wash
    sx, sy = P(0, ST + 1.2, zs + v["stage_d"] / 2)
    sr = cam.s(v["stage_w"] * 0.45, zs)
    g.ellipse([sx - sr, sy - sr * 0.45, sx + sr, sy + sr * 0.45], fill=(70, 62, 48))

    # head table with people
    zt = zs + v["stage_d"] * 0.45
    TW = v["table_w"] / 2
    top = ST + 0.75
    nseat = v["table_seats"]
    for i in range(nseat):
        X = -TW + (i + 0.5) * (2 * TW / nseat)
        person_front(d, cam, X, zt + 0.55, ST, rng)
    d.polygon([P(-TW, top, zt), P(TW, top, zt), P(TW, top, zt + 0.7), P(-TW, top, zt + 0.7)],
              fill=(244, 244, 240))
    tf = cam.quad_z(-TW, TW, ST, top, zt)
    paste_poly(img, [(tf[0], tf[1]), (tf[2], tf[1]), (tf[2], tf[3]), (tf[0], tf[3])],
               vgrad((w, h), v["table_cloth"], shade(v["table_cloth"], 0.7), int(tf[1]), int(tf[3])))
    for i in range(nseat):
        X = -TW + (i + 0.5) * (2 * TW / nseat)
        nb = cam.quad_z(X - 0.13, X + 0.13, top, top + 0.1, zt + 0.12)
        d.rectangle(nb, fill=(250, 250, 250))
        cx, cy = P(X + 0.22, top + 0.06, zt + 0.3)
        cr = cam.s(0.035, zt)
        d.rectangle([cx - cr, cy - cr * 2.2, cx + cr, cy], fill=(250, 250, 250))
        mx0, my0 = P(X - 0.05, top, zt + 0.3)
        mx1, my1 = P(X - 0.02, top + 0.35, zt + 0.45)
        d.line([mx0, my0, mx1, my1], fill=(20, 20, 20), width=max(1, int(cam.s(0.012, zt))))
    flowers(d, cam, -TW * 0.25, TW * 0.25, zt - 0.02, rng, y=ST, height=0.2)

    # lectern (podium) with a standing speaker
    if v.get("lectern") is not None:
        LX = v["lectern"]
        LZ = zs + 0.9
        person_front(d, cam, LX, LZ + 0.35, ST, rng, standing=True)
        lb = cam.quad_z(LX - 0.42, LX + 0.42, ST, ST + 1.15, LZ)
        paste_poly(img, [(lb[0], lb[1]), (lb[2], lb[1]), (lb[2], lb[3]), (lb[0], lb[3])],
                   vgrad((w, h), (146, 92, 52), (96, 56, 30), int(lb[1]), int(lb[3])))
        ex, ey = P(LX, ST + 0.78, LZ - 0.01)
        er = cam.s(0.17, LZ)
        d.ellipse([ex - er, ey - er, ex + er, ey + er], fill=(196, 30, 40))
        d.ellipse([ex - er * 0.6, ey - er * 0.6, ex + er * 0.6, ey + er * 0.6], outline=(240, 200, 90),
                  width=max(1, int(er * 0.12)))
        flowers(d, cam, LX - 0.3, LX + 0.3, LZ - 0.05, rng, y=ST + 0.02, height=0.28)

    flowers(d, cam, -SW + 0.2, SW - 0.2, zs - 0.25, rng, y=0.0, height=0.6)

    # audience ---------------------------------------------------------------
    rows = []
    z = zs - v["front_gap"]
    while z > cam.z + v["near"]:
        rows.append(z)
        z -= v["row_step"]
    for ri, z in enumerate(rows):  # far to near
        occ = v["occupancy"] - 0.25 * (ri / max(1, len(rows) - 1)) * v["back_empty"]
        x = -HW + 1.0
        while x < HW - 0.9:
            if any(abs(x - a) < 0.75 for a in v["aisles"]):
                x += 0.56
                continue
            if rng.random() < occ:
                person_back(d, cam, x, z, rng)
            # seat back (between camera and person)
            zb = z - 0.18
            sb = cam.quad_z(x - 0.25, x + 0.25, 0.45, 0.98, zb)
            rr = max(1, int((sb[2] - sb[0]) * 0.18))
            d.rounded_rectangle(sb, radius=rr, fill=shade(v["seat_col"], 0.85))
            d.rounded_rectangle([sb[0], sb[1], sb[2], sb[1] + (sb[3] - sb[1]) * 0.25], radius=rr,
                                fill=shade(v["seat_col"], 1.1))
            x += 0.56

    # post-processing -----------------------------------------------------------
    img = img.resize(PHOTO_SIZE, Image.LANCZOS)
    glow = glow.resize(PHOTO_SIZE, Image.BILINEAR)
    img = img.filter(ImageFilter.GaussianBlur(v["lens_blur"]))  # lens softness
    glow = glow.filter(ImageFilter.GaussianBlur(18))
    img = ImageChops.screen(img, glow)
    # depth of field: blur the far background a little, keep the lower third crisp
    far = img.filter(ImageFilter.GaussianBlur(v["dof"]))
    m = Image.new("L", (1, PHOTO_SIZE[1]))
    horizon = v["cy"] * PHOTO_SIZE[1]
    m.putdata([int(255 * max(0.0, min(1.0, (y - horizon) / (PHOTO_SIZE[1] * 0.35)))) for y in range(PHOTO_SIZE[1])])
    img = Image.composite(img, far, m.resize(PHOTO_SIZE))
    # vignette
    vig = Image.radial_gradient("L").resize(PHOTO_SIZE, Image.BILINEAR)
    vig = vig.point(lambda t: int(255 - 0.55 * max(0, t - 90)))
    img = ImageChops.multiply(img, Image.merge("RGB", (vig, vig, vig)))
    # white balance / grade
    r, gch, b = img.split()
    wb = v["wb"]
    img = Image.merge("RGB", (r.point(lambda t: min(255, int(t * wb[0]))),
                              gch.point(lambda t: min(255, int(t * wb[1]))),
                              b.point(lambda t: min(255, int(t * wb[2])))))
    img = ImageEnhance.Contrast(img).enhance(1.06)
    if v["sharpen"]:
        img = img.filter(ImageFilter.UnsharpMask(radius=1.4, percent=v["sharpen"], threshold=3))
    # sensor grain: generated at 1/GRAIN_CELL resolution and upscaled, so it is soft like
    # real (denoised phone camera) grain and costs far fewer JPEG bytes than per-pixel noise
    gw, gh = PHOTO_SIZE[0] // v["grain_cell"] + 2, PHOTO_SIZE[1] // v["grain_cell"] + 2
    n = noise_layer(rng, (gw, gh), v["grain"])
    n = n.resize((gw * v["grain_cell"], gh * v["grain_cell"]), Image.BICUBIC).crop((0, 0) + PHOTO_SIZE)
    img = ImageChops.add(img, Image.merge("RGB", (n, n, n)), scale=1.0, offset=-128)
    return img


def frange(a, b, step):
    x = a
    while x < b:
        yield x
        x += step


# --------------------------------------------------------------------------- variants

BASE = dict(
    f=0.62, cx=0.5, cy=0.36, cam_x=0.0, cam_y=4.2, cam_z=0.0,
    width=26.0, ceiling=8.5, depth=34.0,
    stage_w=18.0, stage_h=0.9, stage_d=6.0, curtain_w=3.0,
    screen_w=9.0, banner_w=16.0, banner_chars=16,
    table_w=11.0, table_seats=12, lectern=6.2,
    front_gap=2.5, row_step=1.05, near=1.6, aisles=[-5.6, 5.6],
    occupancy=0.93, back_empty=1.0,
    ceiling_col=(214, 206, 190), wall_col=(200, 184, 160), panel_col=(150, 104, 66),
    back_col=(178, 150, 118), screen_top=(18, 60, 150), screen_bot=(40, 110, 200),
    banner_col=(186, 22, 30), banner_text=(255, 238, 190), curtain_col=(150, 20, 28),
    carpet_col=(128, 38, 40), seat_col=(150, 32, 36), stage_top=(150, 112, 80),
    stage_front=(120, 30, 34), table_cloth=(30, 60, 120), light_col=(120, 104, 80),
    wb=(1.04, 1.0, 0.93), dof=0.9, grain=3, grain_cell=3, lens_blur=0.6, sharpen=20,
)

VARIANTS = [
    # wide view from the back of the Zhongguancun hall
    ("Wechat picture _20230901114436_3_ Copy.jpg", dict(lens_blur=0.7, grain_cell=4)),
    # closer to the stage, looking slightly left
    ("Wechat picture _20230901114436_2.jpg", dict(
        cam_z=14.0, cam_y=2.6, cy=0.42, cx=0.56, cam_x=-1.0, f=0.7, near=1.2, dof=1.2)),
    # Liangxiang campus hall: cooler colours, blue seats, seen from the side aisle
    ("Wechat photo _20230901114436.jpg", dict(
        cam_x=-8.5, cx=0.66, cam_y=3.2, cy=0.40, depth=28.0, width=24.0, f=0.58, ceiling=7.6,
        wall_col=(214, 214, 206), panel_col=(176, 150, 118), back_col=(196, 186, 170),
        carpet_col=(52, 66, 110), seat_col=(36, 70, 140), stage_front=(60, 40, 34),
        table_cloth=(150, 24, 32), screen_top=(150, 20, 30), screen_bot=(200, 50, 40),
        banner_col=(34, 80, 160), banner_text=(255, 255, 255), curtain_col=(40, 56, 120),
        ceiling_col=(226, 226, 222), light_col=(96, 100, 110), lectern=-6.2,
        aisles=[-4.5, 4.5], wb=(0.98, 1.0, 1.03), occupancy=0.95)),
    # close to the stage for the concluding speech: the lectern is large in frame
    ("Wechat picture _20230901114436_1.jpg", dict(
        cam_z=20.0, cam_x=2.6, cx=0.40, cam_y=2.5, cy=0.50, f=0.85, near=0.9, dof=1.4,
        table_seats=12, lectern=5.0, wb=(1.05, 1.0, 0.92))),
]


# --------------------------------------------------------------------------- emblem


def make_emblem(seed: int) -> Image.Image:
    """A university-seal-like emblem on a transparent background (RGBA, 600x600)."""
    rng = random.Random(seed)
    S = 600 * 4
    c = S / 2
    green = (0, 104, 72, 255)
    gold = (196, 156, 64, 255)
    im = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)

    def circ(r, **kw):
        d.ellipse([c - r, c - r, c + r, c + r], **kw)

    circ(1150, fill=green)
    circ(1080, fill=(255, 255, 255, 255))
    circ(1040, fill=green)
    circ(760, fill=(255, 255, 255, 255))
    circ(720, outline=gold[:3] + (255,), width=22)
    circ(698, fill=(250, 248, 240, 150))  # translucent field: real partial alpha

    # ring "text": pseudo glyphs drawn upright on a tile, rotated into place
    gsize = 170
    # top arc: the name (reads clockwise); bottom arc: a short motto (reads left to right)
    runs = [[-90 + (i - 7.5) * 14.5 for i in range(16)], [90 + (i - 2.5) * 13 for i in range(6)]]
    for k, angles in enumerate(runs):
        for ang in angles:
            tile = Image.new("RGBA", (gsize, gsize), (0, 0, 0, 0))
            pseudo_glyph(ImageDraw.Draw(tile), gsize * 0.1, gsize * 0.1, gsize * 0.8, (255, 255, 255, 255), rng)
            rot = -(ang + 90) if k == 0 else -(ang - 90)
            tile = tile.rotate(rot, resample=Image.BICUBIC, expand=True)
            rr = 900
            x = c + rr * math.cos(math.radians(ang)) - tile.width / 2
            y = c + rr * math.sin(math.radians(ang)) - tile.height / 2
            im.alpha_composite(tile, (int(x), int(y)))
    for ang in (152, 28):  # two stars between the text runs
        sx = c + 900 * math.cos(math.radians(ang))
        sy = c + 900 * math.sin(math.radians(ang))
        star(d, sx, sy, 70, (255, 255, 255, 255))

    # centre: open book with an orbit and a star above it
    bw, bh = 440, 250
    by = c + 170
    d.polygon([(c, by - bh * 0.15), (c - bw, by - bh), (c - bw, by + bh * 0.25), (c, by + bh * 0.6)], fill=green)
    d.polygon([(c, by - bh * 0.15), (c + bw, by - bh), (c + bw, by + bh * 0.25), (c, by + bh * 0.6)], fill=green)
    for k in range(1, 4):
        yy = by - bh + k * 60
        d.line([(c - bw + 60, yy), (c - 60, yy + bh * 0.85 - k * 10)], fill=(255, 255, 255, 255), width=18)
        d.line([(c + bw - 60, yy), (c + 60, yy + bh * 0.85 - k * 10)], fill=(255, 255, 255, 255), width=18)
    orbit = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    od = ImageDraw.Draw(orbit)
    od.ellipse([c - 560, c - 330, c + 560, c - 10], outline=gold, width=34)
    orbit = orbit.rotate(-14, resample=Image.BICUBIC, center=(c, c - 170))
    im.alpha_composite(orbit)
    star(d, c, c - 250, 150, gold)

    # soft drop shadow under the whole seal (more partial alpha)
    alpha = im.getchannel("A")
    shadow = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    sh_a = alpha.filter(ImageFilter.GaussianBlur(40)).point(lambda t: t * 45 // 255)
    shadow.putalpha(sh_a)
    out = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    out.alpha_composite(shadow, (0, 28))
    out.alpha_composite(im)
    return out.resize((600, 600), Image.LANCZOS)


def star(d, x, y, r, fill):
    pts = []
    for k in range(10):
        rr = r if k % 2 == 0 else r * 0.42
        a = math.radians(-90 + k * 36)
        pts.append((x + rr * math.cos(a), y + rr * math.sin(a)))
    d.polygon(pts, fill=fill)


# --------------------------------------------------------------------------- main


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=root / "content" / "images")
    args = ap.parse_args()
    if PIL.__version__ != PILLOW_PIN:
        print(f"warning: Pillow {PIL.__version__} installed, {PILLOW_PIN} pinned; "
              "output may differ byte-wise", file=sys.stderr)
    args.out.mkdir(parents=True, exist_ok=True)

    for i, (name, over) in enumerate(VARIANTS):
        v = dict(BASE)
        v.update(over)
        img = render_hall(v, SEED + i)
        path = args.out / name
        img.save(path, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=False, subsampling="4:2:0")
        print(f"{path.relative_to(root) if path.is_relative_to(root) else path}: "
              f"{img.width}x{img.height}, {path.stat().st_size // 1024} KB")

    em = make_emblem(SEED + 100)
    path = args.out / "emblem.png"
    em.save(path, "PNG", optimize=True)
    print(f"{path.relative_to(root) if path.is_relative_to(root) else path}: "
          f"{em.width}x{em.height} RGBA, {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
