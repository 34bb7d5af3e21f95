"""A real client reads bakeview's sprite sheets: PixiJS (tests/web, pinned in package.json) in
Debian's headless Chromium loads the PNG + TexturePacker JSON Hash and draws every frame, and the
pixels it draws are the pixels bakeview rendered.

tests/web/check_pixi.mjs serves the sheet on 127.0.0.1, lets PixiJS draw each frame as a Sprite in
a render texture of the frame's sourceSize (PixiJS undoes the trim and the rotation itself) and
reports the pixels. The expected frame is the page's region, turned back if rotated, placed at
spriteSourceSize in a transparent sourceSize image: 8-bit sRGB with straight alpha as bakeview
encodes it (linear_to_srgb8 on colour, round(a * 255) on alpha), which must also be what the PNG
file holds.

Alpha: PixiJS uploads the PNG premultiplied and its WebGL extract returns the render target as it
is, premultiplied. So alpha must match exactly everywhere, colour exactly where alpha is 255 and 0
where alpha is 0; where alpha is partial the premultiplied colour may differ from
round(c * a / 255) by 1 (the browser's premultiply rounding), no more.

Needs node and chromium (skipped without them; `scripts/install-deps.sh --tests` installs
chromium) and `npm ci` in tests/web (`./run test` does it).
"""
import base64
import json
import math
import os
import shutil
import struct
import subprocess
import time
import zlib

import pytest

import bakeview
from bakeview import _core, viewsets

WEB = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "web"))
CHECK = os.path.join(WEB, "check_pixi.mjs")
PREMULTIPLY_TOLERANCE = 1  # 8-bit steps, partial alpha only


@pytest.fixture
def browser_tools():
    """(node, chromium), PixiJS installed at package.json's version; skips without node or
    chromium (asked for before the cube is baked, so a skip costs nothing)."""
    node, chromium = shutil.which("node"), shutil.which("chromium")
    if node is None or chromium is None:
        missing = " and ".join(n for n, p in (("node", node), ("chromium", chromium)) if p is None)
        pytest.skip(f"{missing} not installed (scripts/install-deps.sh --tests installs chromium)")
    with open(os.path.join(WEB, "package.json"), encoding="utf-8") as f:
        wanted = json.load(f)["dependencies"]["pixi.js"]
    installed = os.path.join(WEB, "node_modules", "pixi.js", "package.json")
    if not os.path.isfile(installed):
        pytest.fail(f"PixiJS is not installed in {WEB}: run `npm ci` there (./run test does)")
    with open(installed, encoding="utf-8") as f:
        version = json.load(f)["version"]
    if version != wanted:
        pytest.fail(f"{WEB}/node_modules has pixi.js {version}, package.json pins {wanted}: "
                    "run `npm ci` there")
    return node, chromium


def read_png(path):
    """(width, height, bytes) of an 8-bit RGBA, non-interlaced PNG: rows top-down, straight alpha."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        else:  # a gAMA, sRGB or iCCP chunk would make browsers change the colours
            assert kind[0] & 0x20, f"{path}: unexpected critical chunk {kind!r}"
            assert kind not in (b"gAMA", b"cHRM", b"iCCP", b"sRGB"), f"{path} has a {kind!r} chunk"
    width, height, depth, colour, _, _, interlace = header
    assert (depth, colour, interlace) == (8, 6, 0), f"{path}: not 8-bit RGBA non-interlaced"
    raw, stride = zlib.decompress(b"".join(idat)), 4 * width
    out, previous, i = bytearray(), bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for k in range(stride):
            a = line[k - 4] if k >= 4 else 0
            b = previous[k]
            c = previous[k - 4] if k >= 4 else 0
            if kind == 1:
                line[k] = (line[k] + a) & 255
            elif kind == 2:
                line[k] = (line[k] + b) & 255
            elif kind == 3:
                line[k] = (line[k] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[k] = (line[k] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            else:
                assert kind == 0, f"{path}: filter type {kind}"
        out += line
        previous = line
    return width, height, bytes(out)


def encoded_page(image):
    """A page Image as bakeview writes it to PNG: rows top-down, 8-bit sRGB colour, straight alpha
    rounded half up."""
    width, height = image.size
    floats = bakeview.pixels(image)
    srgb = {}
    out = bytearray(4 * width * height)
    for row in range(height):
        src = 4 * (height - 1 - row) * width
        dst = 4 * row * width
        for k in range(4 * width):
            v = floats[src + k]
            if k % 4 == 3:
                out[dst + k] = 0 if not v > 0 else 255 if v >= 1 else math.floor(v * 255.0 + 0.5)
            else:
                code = srgb.get(v)
                if code is None:
                    code = srgb[v] = _core.linear_to_srgb8(v)
                out[dst + k] = code
    return width, height, bytes(out)


def expected_frame(page, frame):
    """The untrimmed frame (sourceSize, rows top-down, straight RGBA8): the page's region turned
    back if rotated, at spriteSourceSize, transparent elsewhere."""
    page_w, _, data = page
    x, y, w, h = frame["frame"]
    sx, sy, _, _ = frame["source"]
    _, _, width, height = frame["source_size"]
    out = bytearray(4 * width * height)
    for v in range(h):
        for u in range(w):
            # rotated frames are stored turned 90 degrees clockwise (bv_blit)
            px, py = (x + h - 1 - v, y + u) if frame["rotated"] else (x + u, y + v)
            src = 4 * (py * page_w + px)
            dst = 4 * ((sy + v) * width + sx + u)
            out[dst:dst + 4] = data[src:src + 4]
    return out


def compare(expected, drawn, width):
    """Mismatches of PixiJS's premultiplied pixels against straight expected ones (see the module
    docstring), the largest premultiplied difference seen at partial alpha, and how many pixels
    had partial alpha."""
    bad, worst, partial = [], 0, 0
    for i in range(0, len(expected), 4):
        r, g, b, a = expected[i:i + 4]
        got = tuple(drawn[i:i + 4])
        if a == 255:
            ok = got == (r, g, b, a)
        elif a == 0:
            ok = got == (0, 0, 0, 0)
        else:
            premultiplied = [math.floor(c * a / 255 + 0.5) for c in (r, g, b)]
            diff = max(abs(p - q) for p, q in zip(premultiplied, got[:3]))
            worst, partial = max(worst, diff), partial + 1
            ok = got[3] == a and diff <= PREMULTIPLY_TOLERANCE
        if not ok:
            bad.append(((i // 4) % width, (i // 4) // width, (r, g, b, a), got))
    return bad, worst, partial


CASES = {
    # 8 directions x 2 animation frames of a still cube: every frame trimmed, the second frame of
    # each direction an alias (dedupe) of the first, animations per direction
    "trimmed_deduped": dict(views="COMPASS8", frames=(1, 2)),
    # the packer turns some frames: PixiJS must turn them back
    "rotated": dict(views="TURNTABLE:12:0,35", allow_rotation=True),
    # pages small enough for several: PixiJS loads the others through related_multi_packs
    "multi_page": dict(views="COMPASS16", max_size=(64, 64)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_pixijs_draws_every_frame_with_the_pixels_bakeview_rendered(browser_tools, baked_cube,
                                                                   tmp_path, case):
    node, chromium = browser_tools
    options = CASES[case]
    path = tmp_path / "sheet.png"
    # the plain sRGB curve, which encoded_page re-derives (test_colour_files covers the scene's)
    result = bakeview.sprite_sheet(baked_cube, frame_size=(40, 32), path=str(path), colour="SRGB",
                                   json_form="HASH", trim=True, dedupe=True, extrude=0, **options)
    pages = result.pages["COLOR"]
    if case == "rotated":
        assert any(f["rotated"] for f in result.frames), "no frame was rotated: the case tests nothing"
    if case == "multi_page":
        assert len(pages) > 1
    if case == "trimmed_deduped":
        assert any(f["alias_of"] for f in result.frames)
    assert all(f["trimmed"] for f in result.frames)

    # what bakeview rendered, encoded as its PNG encodes it, and what the PNG files hold
    encoded = [encoded_page(image) for image in pages]
    for number, page in enumerate(encoded):
        name = "sheet.png" if len(pages) == 1 else f"sheet-{number}.png"
        assert read_png(tmp_path / name) == page, f"{name} is not the page bakeview rendered"

    first_json = tmp_path / ("sheet.json" if len(pages) == 1 else "sheet-0.json")
    report_path = tmp_path / "pixi.json"
    start = time.perf_counter()
    run = subprocess.run([node, CHECK, str(first_json), "--chromium", chromium, "--timeout", "120",
                          "--out", str(report_path)], capture_output=True, text=True, timeout=240)
    seconds = time.perf_counter() - start
    assert run.returncode == 0, f"check_pixi.mjs failed ({run.returncode}):\n{run.stderr}"
    report = json.loads(report_path.read_text())
    assert report["renderer"] == "webgl", report.get("gl_renderer")

    drawn = report["frames"]
    assert set(drawn) == {f["name"] for f in result.frames}
    worst = partial = 0
    for f in result.frames:
        got = drawn[f["name"]]
        width, height = f["source_size"][2:]
        assert (got["width"], got["height"]) == (width, height), f["name"]
        assert got["rotate"] == (2 if f["rotated"] else 0), f["name"]  # groupD8.S
        assert got["trim"] == list(f["source"]), f["name"]
        assert got["anchor"] == pytest.approx([f["pivot_x"], f["pivot_y"]]), f["name"]
        pixels = base64.b64decode(got["rgba"])
        assert len(pixels) == 4 * width * height
        bad, frame_worst, frame_partial = compare(expected_frame(encoded[f["page"]], f), pixels, width)
        worst, partial = max(worst, frame_worst), partial + frame_partial
        assert not bad, (f"frame {f['name']} ({'rotated' if f['rotated'] else 'not rotated'}): "
                         f"{len(bad)} pixels differ, first (x, y, expected straight, PixiJS "
                         f"premultiplied): {bad[:5]}")
    if case == "trimmed_deduped":
        expected = {view.name: [f"{view.name}/{n:04d}" for n in (1, 2)] for view in viewsets.compass(8)}
        assert report["animations"] == expected
    assert partial > 0, "no pixel with partial alpha: the premultiplied comparison tests nothing"
    print(f"{case}: {len(drawn)} frames on {len(pages)} page(s), PixiJS {report['pixi']} "
          f"({report['gl_renderer']}), {partial} pixels with partial alpha, largest "
          f"premultiplied difference there {worst}, "
          f"node + Chromium {seconds:.2f} s")
