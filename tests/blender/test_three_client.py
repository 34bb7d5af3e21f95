"""A real client lights bakeview's normal sheet: three.js (tests/web, pinned in package.json) in
Debian's headless Chromium draws a sphere's normal sheet on a camera-facing plane, as a game lights
a sprite (MeshLambertMaterial with the sheet as its tangent-space normalMap, a directional light,
an orthographic camera), and the shading it draws is the Lambert shading of the sphere's own,
analytic normals: max(0, n . l) at each pixel, n from intersecting the pixel's ray with the unit
sphere through the frame's own view and projection (in the JSON).

three.js reads normal maps green up, as OpenGL does: the sheet made with normal_y="UP" is read as
it is; the one made with normal_y="DOWN" is read with normalScale (1, -1), three.js's way to read
green-down (DirectX) maps, and gives the same shading; read as if green were up it does not (the
test's control: it sees which way green points).

tests/web/check_three.mjs serves the sheets on 127.0.0.1 (headless.mjs) and reports three.js's
pixels (see its header). Needs node and chromium (skipped without them) and `npm ci` in tests/web.
"""
import base64
import json
import math
import os
import subprocess
import sys
import time

import pytest
from mathutils import Matrix, Vector

import bakeview
import web_client

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from png_decode import read_png  # noqa: E402

CHECK = os.path.join(web_client.WEB, "check_three.mjs")
LIGHT = Vector((-1.0, 1.5, 1.0)).normalized()  # toward the light: upper left, in front
# of a [0, 1] shade, against the analytic sphere: 8-bit normals, the 64 x 32 mesh's interpolated
# normals (most of it, near the outline), 8-bit output. Measured: max 0.023, mean 0.002.
MAX_ERROR = 0.03
MEAN_ERROR = 0.01


@pytest.fixture
def browser_tools():
    """(node, chromium), three.js installed at package.json's version (web_client.browser_tools)."""
    return web_client.browser_tools("three")


def analytic_shading(frame):
    """{(x, y) in the page: max(0, n . l)} for the frame's pixels whose centre's ray meets the unit
    sphere at the origin well inside its outline (the mesh's polygon outline differs from the
    sphere's), n the sphere's normal in the camera's space (x right, y up, z toward the viewer)."""
    view = Matrix(frame["view"]["view"])
    to_world = (Matrix(frame["view"]["projection"]) @ view).inverted()
    rotation = view.to_3x3().normalized()
    x0, y0, width, height = frame["frame"]
    out = {}
    for y in range(height):
        for x in range(width):
            ndc = ((x + 0.5) / width * 2 - 1, 1 - (y + 0.5) / height * 2)
            ends = []
            for z in (-1.0, 1.0):
                p = to_world @ Vector((*ndc, z, 1.0))
                ends.append(p.xyz / p.w)
            start, direction = ends[0], (ends[1] - ends[0]).normalized()
            along = -start.dot(direction)
            closest = start + along * direction
            if closest.length > 0.95:  # off the sphere, or near its outline
                continue
            hit = closest - math.sqrt(1.0 - closest.length_squared) * direction
            normal = (rotation @ hit).normalized()
            out[(x0 + x, y0 + y)] = max(0.0, normal.dot(LIGHT))
    return out


def decoded_shading(path, pixels, normal_y):
    """{(x, y): max(0, n . l)} with n decoded from a normal sheet's codes (code / 255 * 2 - 1,
    green negated for DOWN), made unit: the shading the sheet itself asks for."""
    width, _, channels, _, samples, _ = read_png(path)
    out = {}
    for x, y in pixels:
        i = channels * (y * width + x)
        n = Vector([samples[i + k] / 255 * 2 - 1 for k in range(3)])
        n.y *= -1 if normal_y == "DOWN" else 1
        out[(x, y)] = max(0.0, n.normalized().dot(LIGHT))
    return out


def opaque(path, size):
    """The page pixels whose alpha is 255 in a PNG written by bakeview (8-bit RGBA)."""
    width, height, channels, _, samples, _ = read_png(path)
    assert (width, height, channels) == (*size, 4)
    return {(i // 4 % width, i // 4 // width) for i in range(3, len(samples), 4) if samples[i] == 255}


def test_threejs_lights_the_normal_sheet_as_the_spheres_own_normals(browser_tools, baked_sphere,
                                                                    tmp_path):
    node, chromium = browser_tools
    options = dict(views=[(30.0, 20.0)], frame_size=(128, 128), passes=("COLOR", "NORMAL"),
                   trim=False)
    up = bakeview.sprite_sheet(baked_sphere, path=str(tmp_path / "up.png"), normal_y="UP", **options)
    bakeview.sprite_sheet(baked_sphere, path=str(tmp_path / "down.png"), normal_y="DOWN", **options)
    size = up.pages["COLOR"][0].size
    (frame,) = up.frames
    expected = analytic_shading(frame)
    lit = opaque(tmp_path / "up.png", size)
    compared = {p: v for p, v in expected.items() if p in lit}
    assert len(compared) > 2500  # the sphere is about 70 pixels across

    job = {"light": list(LIGHT), "renders": [
        {"image": "up-normal.png", "width": size[0], "height": size[1], "normal_scale": [1, 1]},
        {"image": "down-normal.png", "width": size[0], "height": size[1], "normal_scale": [1, -1]},
        {"image": "down-normal.png", "width": size[0], "height": size[1], "normal_scale": [1, 1]},
    ]}
    (tmp_path / "job.json").write_text(json.dumps(job))
    report_path = tmp_path / "three.json"
    start = time.perf_counter()
    run = subprocess.run([node, CHECK, str(tmp_path / "job.json"), "--chromium", chromium,
                          "--timeout", "120", "--out", str(report_path)],
                         capture_output=True, text=True, timeout=240)
    seconds = time.perf_counter() - start
    assert run.returncode == 0, f"check_three.mjs failed ({run.returncode}):\n{run.stderr}"
    report = json.loads(report_path.read_text())
    assert report["renderer"] == "webgl2", report.get("gl_renderer")

    def errors(render, reference):
        assert (render["width"], render["height"]) == tuple(size)
        pixels = base64.b64decode(render["rgba"])
        diffs = [abs(pixels[4 * (y * size[0] + x)] / 255 - v) for (x, y), v in reference.items()]
        return max(diffs), sum(diffs) / len(diffs)

    up_render, down_render, wrong_render = report["renders"]
    up_max, up_mean = errors(up_render, compared)
    down_max, down_mean = errors(down_render, compared)
    wrong_max, _ = errors(wrong_render, compared)
    # three.js against the shading the sheet's own codes ask for: how exactly it reads them
    up_read, _ = errors(up_render, decoded_shading(tmp_path / "up-normal.png", compared, "UP"))
    down_read, _ = errors(down_render, decoded_shading(tmp_path / "down-normal.png", compared, "DOWN"))
    print(f"three.js r{report['three']} ({report['gl_renderer']}), {len(compared)} pixels, "
          f"{seconds:.2f} s. Shade error against the sphere's analytic normals: green up max "
          f"{up_max:.4f} mean {up_mean:.4f}, green down read as down max {down_max:.4f} mean "
          f"{down_mean:.4f}, green down read as up (control) max {wrong_max:.4f}. Against the "
          f"sheets' decoded normals: up max {up_read:.4f}, down max {down_read:.4f}")
    assert up_max <= MAX_ERROR and up_mean <= MEAN_ERROR
    assert down_max <= MAX_ERROR and down_mean <= MEAN_ERROR
    assert up_read <= 2 / 255 and down_read <= 2 / 255
    assert wrong_max > 0.3  # green read the wrong way round lights the sphere from below
