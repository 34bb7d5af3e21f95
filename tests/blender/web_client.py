"""What the real-client tests (test_pixi_client.py, test_phaser_client.py, test_cli_atlas.py)
share: the tools they need, the PNG pages as bakeview encodes them, the frames as a client must
draw them, and the comparison of what a client drew (read back from WebGL, premultiplied) with
them."""
import json
import math
import os
import shutil
import subprocess
import sys
import time

import pytest

import bakeview
from bakeview import _core

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import png_decode  # noqa: E402  (tests/png_decode.py, the tests' own PNG reader)

WEB = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "web"))
PREMULTIPLY_TOLERANCE = 1  # 8-bit steps, partial alpha only


def browser_tools(package):
    """(node, chromium), with the npm `package` installed in tests/web at package.json's version;
    skips without node or chromium (call it before any baking, so a skip costs nothing), fails
    when the package is missing or at another version."""
    node, chromium = shutil.which("node"), shutil.which("chromium")
    if node is None or chromium is None:
        missing = " and ".join(n for n, p in (("node", node), ("chromium", chromium)) if p is None)
        pytest.skip(f"{missing} not installed (scripts/install-deps.sh --tests installs chromium)")
    with open(os.path.join(WEB, "package.json"), encoding="utf-8") as f:
        wanted = json.load(f)["dependencies"][package]
    installed = os.path.join(WEB, "node_modules", package, "package.json")
    if not os.path.isfile(installed):
        pytest.fail(f"{package} is not installed in {WEB}: run `npm ci` there (./run test does)")
    with open(installed, encoding="utf-8") as f:
        version = json.load(f)["version"]
    if version != wanted:
        pytest.fail(f"{WEB}/node_modules has {package} {version}, package.json pins {wanted}: "
                    "run `npm ci` there")
    return node, chromium


def read_png(path):
    """(width, height, bytes) of an 8-bit RGBA PNG: rows top-down, straight alpha, and no chunk
    (gAMA, sRGB, iCCP ...) that would make a browser change its colours."""
    width, height, channels, bits, samples, kinds = png_decode.read_png(path)
    assert (channels, bits) == (4, 8), f"{path}: not 8-bit RGBA"
    assert not set(kinds) & set(png_decode.COLOUR_CHUNKS), f"{path} has a colour chunk: {kinds}"
    return width, height, bytes(samples)


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
    """Mismatches of a client's premultiplied pixels (what WebGL's render target holds) against
    straight expected ones: alpha exact everywhere, colour exact where alpha is 255 and 0 where it
    is 0, and where alpha is partial within PREMULTIPLY_TOLERANCE of round(c * a / 255) (the
    browser premultiplies as it decodes the PNG). Returns the mismatches (x, y, expected, drawn),
    the largest premultiplied difference seen at partial alpha, and how many pixels had partial
    alpha."""
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


def run_driver(node, driver, sheet_json, chromium, out):
    """Runs tests/web/DRIVER on the sheet (headless Chromium); returns (its report, seconds)."""
    start = time.perf_counter()
    run = subprocess.run([node, os.path.join(WEB, driver), str(sheet_json), "--chromium", chromium,
                          "--timeout", "120", "--out", str(out)],
                         capture_output=True, text=True, timeout=240)
    seconds = time.perf_counter() - start
    assert run.returncode == 0, f"{driver} failed ({run.returncode}):\n{run.stderr}"
    with open(out, encoding="utf-8") as f:
        return json.load(f), seconds
