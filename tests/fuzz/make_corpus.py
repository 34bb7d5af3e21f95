#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz targets: tests/fuzz/corpus/<target>/seed-*.

Each seed is a valid call spelled in the byte layout the target's decoder reads (fuzz_common.h:
a selector byte before each moderate value, then its value), so that fuzzing starts from inputs
that render, pack, blit and write files instead of failing validation. The layouts mirror the
decoders field by field; if a decoder changes, update this script and run it again:

    python3 tests/fuzz/make_corpus.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


class Writer:
    """The inverse of fz_reader for moderate values."""

    def __init__(self):
        self.data = bytearray()

    def u8(self, v):
        self.data.append(v & 0xFF)

    def u16(self, v):
        self.data += struct.pack("<H", v & 0xFFFF)

    def bool(self, v):
        self.u8(1 if v else 0)

    def range(self, lo, hi, v):  # fz_range
        if hi - lo + 1 <= 256:
            self.u8(v - lo)
        else:
            self.u16(v - lo)

    def int(self, lo, hi, v):  # fz_int, moderate
        self.u8(0)
        self.range(lo, hi, v)

    def float(self, scale, v):  # fz_float, moderate: multiples of scale / 32 in [-4 scale, 4 scale)
        k = round(v * 32.0 / scale)
        assert -128 <= k <= 127, (v, scale)
        self.u8(0)
        self.u8(k & 0xFF)

    def unit(self, v):  # fz_unit, moderate: k / 255
        self.u8(0)
        self.u8(round(v * 255.0))

    def pool(self, index):  # fz_string: a name from the pool
        self.u8(index)

    def raw(self, data):
        self.data += data


# --- fuzz_render ---

def render_seed(width, height, camera, samples=4, passes=63, threads=2, textures=(), meshes=(),
                background=None, premultiplied=False, mipmaps=False, cull=False, extra=8):
    w = Writer()
    w.u8(0), w.float(2.0, 1.5), w.float(2.0, 0.5)  # a filter weight
    w.int(1, 64, width), w.int(1, 64, height)
    w.u8(0), w.u8(32), w.u8(150), w.u8(5)  # view preset: yaw, pitch, distance 6
    w.u8(0)  # projection preset
    if camera == "perspective":
        w.bool(True), w.u8(90), w.u8(1), w.u8(40), w.u8(0), w.u8(0)
    else:
        w.bool(False), w.u8(64), w.u8(0xF0), w.u8(30)
    w.int(0, 17, samples)
    w.u8(0)  # Blackman-Harris
    w.u8(0)  # default filter width
    w.bool(background is not None)
    for v in background or ():
        w.unit(v)
    w.bool(premultiplied), w.bool(mipmaps), w.bool(cull)
    w.int(0, 3, threads)
    w.u8(len(textures))
    for t in textures:
        tw, th, ext, interp, mips, texels = t
        w.int(1, 8, tw), w.int(1, 8, th), w.u8(ext), w.u8(interp), w.bool(mips)
        w.u8(0)  # mode: values in [0, 1], right count
        for v in texels:
            w.unit(v)
        w.u8(2)  # two lookups
        w.float(1.0, 0.25), w.float(1.0, 0.75), w.float(4.0, 0.5), w.bool(True)
        w.float(1.0, -1.5), w.float(1.0, 2.25), w.float(4.0, 1.0), w.bool(False)
    w.u8(len(meshes))
    for m in meshes:
        positions, triangles, uvs, normals, loops, loop_total, texture, object_id, mirrored = m
        w.u8(len(positions) // 3), w.u8(len(triangles) // 3)
        w.u8(0)  # right position count
        w.bool(True)  # scale 2
        for v in positions:
            w.float(2.0, v)
        w.u8(0)  # right index count
        for i in triangles:
            w.u8(0), w.u8(i)
        layout = (1 if loops else 0) | (2 if uvs else 0) | (4 if normals else 0)
        w.u8(layout)
        if loops:
            w.u8(loop_total)
            w.u8(0)
            for i in loops:
                w.u8(0), w.u8(i)
        if uvs:
            w.u8(0)
        if normals:
            w.u8(0)
        for v in uvs:
            w.float(1.0, v)
        for v in normals:
            w.float(1.0, v)
        w.u8(0)  # matrix_world preset
        w.bool(False), w.u8(4), w.bool(mirrored), w.float(1.0, 0.25), w.float(1.0, 0.0), w.float(1.0, -0.5)
        w.u8(texture)
        w.u8(0), w.u8(object_id)
    if meshes:
        w.u8(0)  # meshes not NULL
    w.u8(passes), w.u8(0), w.u8(extra)
    return bytes(w.data)


CHECKER = (2, 2, 0, 0, False, [1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1, 0.5])
QUAD_POSITIONS = [-1, -1, 0, 1, -1, 0, 1, 1, 0, -1, 1, 0]
QUAD_TRIANGLES = [0, 1, 2, 0, 2, 3]
QUAD_UVS = [0, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1]
TETRA_POSITIONS = [0, 0, 1, 1, 0, -1, -1, 0.5, -1, 0, -1, -1]
TETRA_TRIANGLES = [0, 1, 2, 0, 2, 3, 0, 3, 1, 1, 3, 2]


def render_seeds():
    quad = (QUAD_POSITIONS, QUAD_TRIANGLES, QUAD_UVS, [], [], 0, 0, 7, False)
    loops = [0, 1, 2, 0, 2, 3, 0, 3, 1, 1, 3, 2]
    tetra = (TETRA_POSITIONS, TETRA_TRIANGLES, [0, 0, 1, 0, 1, 1, 0, 1],
             [0, 0, 1, 0.5, 0.5, 0.5, -0.5, 0.5, 0.5, 0, -1, 0], loops, 4, 1, 3, True)
    mipmapped = (4, 4, 3, 0, True, [i / 64 for i in range(64)])
    return {
        "seed-quad-perspective": render_seed(24, 16, "perspective", textures=[CHECKER], meshes=[quad]),
        "seed-tetra-ortho-loops": render_seed(16, 16, "ortho", samples=3, textures=[CHECKER, mipmapped],
                                              meshes=[tetra], mipmaps=False, cull=True),
        "seed-two-meshes-mipmaps": render_seed(20, 12, "perspective", samples=2, threads=1,
                                               textures=[mipmapped], mipmaps=True,
                                               meshes=[(QUAD_POSITIONS, QUAD_TRIANGLES, QUAD_UVS, [], [], 0, 0, 2, False),
                                                       tetra[:6] + (0, 9, False)],
                                               background=[0.2, 0.4, 0.6, 0.5], premultiplied=True),
        "seed-data-passes": render_seed(8, 8, "ortho", samples=1, passes=0b111100, textures=[],
                                        meshes=[tetra[:6] + (3, 5, False)]),
    }


# --- fuzz_pack ---

def pack_seed(layout, heuristic, max_w, max_h, shape, border, flags, rects, columns=0):
    w = Writer()
    w.u8(layout), w.u8(heuristic)
    for m in (max_w, max_h):
        if m == 0:
            w.u8(0)
        else:
            w.u8(1), w.int(1, 600, m)
    w.int(0, 8, shape), w.int(0, 8, border)
    w.u8(flags | (8 if columns else 0))
    if columns:
        w.int(0, 12, columns)
    w.u8(len(rects)), w.u8(15)  # typical side 16
    for rw, rh in rects:
        if (rw, rh) == (16, 16):
            w.u8(0)
        else:
            w.u8(1), w.range(0, 64, rw), w.range(0, 64, rh)
    w.u8(0), w.u8(0)  # enough page slots, no NULLs
    return bytes(w.data)


def pack_seeds():
    mixed = [(16, 16), (30, 10), (10, 30), (5, 5), (0, 7), (64, 20), (16, 16), (1, 1), (33, 17)]
    return {
        "seed-maxrects-bssf": pack_seed(0, 0, 128, 128, 1, 2, 0, mixed),
        "seed-maxrects-contact-rotate-pot": pack_seed(0, 3, 200, 100, 0, 0, 1 | 4, mixed * 2),
        "seed-maxrects-square-pages": pack_seed(0, 2, 128, 100, 2, 1, 2, mixed * 3),
        "seed-grid": pack_seed(1, 0, 0, 0, 1, 1, 0, mixed, columns=3),
        "seed-maxrects-best-rotate": pack_seed(0, 4, 300, 200, 2, 2, 4, mixed * 3),
    }


# --- fuzz_sheet ---

def sheet_seed(channels, size_a, size_b, rect, blit):
    w = Writer()
    w.int(0, 5, channels)
    for i, (iw, ih) in enumerate((size_a, size_b)):
        if i == 1:
            w.bool(True)  # same channels
        w.int(1, 12, iw), w.int(1, 12, ih), w.u8(2)  # mostly transparent pixels
        for k in range(iw * ih * channels):
            if k % channels == channels - 1 and (k * 7) % 5 == 0:
                w.u8(0), w.unit(((k * 37) % 256) / 255)  # an alpha value
            else:
                w.u8(1)  # 0
    w.unit(0.1), w.u8(0)  # trim at 0.1
    for _ in range(2):  # hash + equal, both ways
        for v, hi in zip(rect, (12, 12, 13, 13)):
            w.int(-1, hi, v)
        w.u8(0)
        for v, hi in zip(rect, (12, 12, 13, 13)):
            w.int(-1, hi, v)
        w.bool(True)
        w.u8(1), w.u8(2), w.u8(1), w.u8(0)  # the copy's offset and margins
    (sw, sh), (pw, ph), src_rect, (x, y), rotated, extrude = blit
    w.int(1, 12, sw), w.int(1, 12, sh), w.u8(0)
    for k in range(sw * sh * channels):
        w.unit(((k * 53) % 256) / 255)
    w.int(1, 16, pw), w.int(1, 16, ph), w.u8(0), w.u8(0)
    for v, hi in zip(src_rect, (12, 12, 13, 13)):
        w.int(-1, hi, v)
    w.int(-2, 16, x), w.int(-2, 16, y), w.bool(rotated), w.int(-1, 3, extrude), w.u8(0)
    return bytes(w.data)


def sheet_seeds():
    return {
        "seed-rgba": sheet_seed(4, (6, 5), (6, 5), (1, 1, 3, 2),
                                ((5, 4), (12, 12), (1, 0, 3, 4), (3, 2), False, 1)),
        "seed-grey-alpha-rotated": sheet_seed(2, (4, 7), (8, 5), (0, 2, 4, 3),
                                              ((6, 3), (9, 10), (0, 0, 6, 3), (2, 2), True, 2)),
        "seed-rgb": sheet_seed(3, (3, 3), (3, 3), (0, 0, 3, 3),
                               ((3, 3), (5, 5), (0, 0, 3, 3), (1, 1), False, 0)),
    }


# --- fuzz_png_json ---

def png_seed(width, height, channels, encoding, values):
    w = Writer()
    w.float(1.0, 0.25), w.float(1.0, 0.5)
    w.bool(True)
    w.u8(0), w.u8(0)  # out.png, no existing file
    w.int(1, 16, width), w.int(1, 16, height), w.int(0, 5, channels), w.u8(encoding)
    w.u8(2)  # values from fz_float: some outside [0, 1]
    for v in values:
        w.float(1.0, v)
    return bytes(w.data)


def json_seed(form, frames, animations, related=0, existing=False, multipack=None):
    """The one-page call; with multipack=(page_count, page of each frame), then the multi-pack of
    the same frames (fuzz_multipack: images sheet-N.png, pages the one page's size)."""
    w = Writer()
    w.float(1.0, 0.25), w.float(1.0, 0.5)
    w.bool(False)
    w.u8(0), w.u8(0xF0 if existing else 0)  # out.json
    w.u8(form), w.int(1, 64, 64), w.int(1, 64, 48)
    w.u8(0)  # image "sheet.png"
    w.u8(1), w.float(1.0, 0.5)  # scale 0.5
    w.bool(True)
    w.u8(related)
    for i in range(related):
        w.u8(0), w.pool(10 + i)
    if related:
        w.u8(0)
    w.u8(len(frames))
    for name, (x, y, fw, fh), rotated, trim, view in frames:
        w.u8(0), w.pool(name)
        w.int(0, 16, fw), w.int(0, 16, fh), w.int(0, 64, x), w.int(0, 64, y)
        w.bool(rotated), w.bool(trim is not None)
        if trim is not None:
            for v in trim:
                w.int(0, 4, v)
        w.u8(0)
        w.float(1.0, 0.5), w.float(1.0, 0.75)
        w.bool(view)
        if view:
            w.float(180.0, 45.0), w.float(90.0, 30.0), w.int(-2, 100, 3)
            for k in range(32):
                w.float(4.0, (k % 5) * 0.25 - 0.5)
    if frames:
        w.u8(0)
    w.u8(len(animations))
    for name, picks in animations:
        w.u8(0), w.pool(name)
        w.u8(len(picks))
        for p in picks:
            w.u8(p)
        if picks:
            w.u8(0)
    if animations:
        w.u8(0)
    w.u8(0)  # desc not NULL
    if multipack:
        page_count, page_of = multipack
        w.u8(page_count)  # to multi.json
        for page in page_of:
            w.u8(page)
        for _ in range(3):
            w.u8(0)  # sheet-N.png, the one page's size
        w.u8(0)  # pages not NULL
    return bytes(w.data)


def png_json_seeds():
    frames = [(2, (0, 0, 16, 8), False, None, True), (3, (16, 0, 10, 12), True, (2, 1, 1, 0), False),
              (10, (30, 20, 8, 8), False, (1, 2, 0, 2), True), (11, (0, 30, 4, 4), False, None, False)]
    return {
        "seed-png-rgba": png_seed(5, 4, 4, 0, [((k * 13) % 40) / 32 - 0.125 for k in range(80)]),
        "seed-png-grey-linear": png_seed(3, 3, 1, 1, [k / 8 for k in range(9)]),
        "seed-json-hash": json_seed(0, frames, [(6, [0, 1, 2]), (7, [3])], related=2),
        "seed-json-array-existing": json_seed(1, frames[:2], [(5, [1, 0])], existing=True),
        "seed-json-multipack": json_seed(1, frames, [(6, [0, 1, 2]), (7, [3])], multipack=(3, [0, 2, 1, 2])),
    }


def main():
    for target, seeds in (("fuzz_render", render_seeds()), ("fuzz_pack", pack_seeds()),
                          ("fuzz_sheet", sheet_seeds()), ("fuzz_png_json", png_json_seeds())):
        folder = os.path.join(HERE, "corpus", target)
        os.makedirs(folder, exist_ok=True)
        for name, data in seeds.items():
            assert len(data) < 4096, (name, len(data))
            with open(os.path.join(folder, name), "wb") as f:
                f.write(data)
        print(f"{folder}: {len(seeds)} seeds")


if __name__ == "__main__":
    main()
