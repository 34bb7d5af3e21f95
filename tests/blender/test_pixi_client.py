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

import bpy
import pytest

import bakeview
import web_client
from bakeview import viewsets
from web_client import compare, encoded_page, expected_frame, read_png


@pytest.fixture
def browser_tools():
    """(node, chromium), PixiJS installed at package.json's version (web_client.browser_tools)."""
    return web_client.browser_tools("pixi.js")


CASES = {
    # 8 directions x 2 animation frames of a still cube: every frame trimmed, the second frame of
    # each direction an alias (dedupe) of the first, animations per direction
    "trimmed_deduped": dict(views="COMPASS8", frames=(1, 2)),
    # the packer turns some frames: PixiJS must turn them back
    "rotated": dict(views="TURNTABLE:12:0,35", allow_rotation=True),
    # pages small enough for several: PixiJS loads the others through related_multi_packs
    "multi_page": dict(views="COMPASS16", max_size=(64, 64)),
    # premultiplied files (meta.premultiplyAlpha), uploaded by PixiJS as they are: it must draw
    # what it draws from the straight file
    "premultiplied": dict(views="COMPASS8", premultiplied=True),
    # frames from Blender's renderer beside the core's (sprite_sheet's renderer): the same files
    "cycles_frames": dict(views="COMPASS8", renderer={"N": "CYCLES", "E": "CYCLES"}),
}


def assert_premultiplied(file, straight):
    """A premultiplied file against the straight encoding of the same page: alpha equal, colour
    round(code * a) (within 1 of code * alpha_code / 255, alpha_code being itself rounded)."""
    (width, height, got), (_, _, codes) = file, straight
    assert (width, height) == straight[:2]
    for i in range(0, len(codes), 4):
        a = codes[i + 3]
        assert got[i + 3] == a
        for k in range(3):
            assert abs(got[i + k] - codes[i + k] * a / 255.0) <= 1.0, (i // 4, k, got[i + k], codes[i + k], a)


@pytest.mark.parametrize("case", list(CASES))
def test_pixijs_draws_every_frame_with_the_pixels_bakeview_rendered(browser_tools, baked_cube,
                                                                   tmp_path, case):
    node, chromium = browser_tools
    options = CASES[case]
    if "renderer" in options:  # Cycles at a few samples, lit by a grey world
        scene = bpy.context.scene
        scene.cycles.samples, scene.cycles.use_denoising = 4, False
        scene.world = bpy.data.worlds.new("Grey")
        scene.world.color = (0.5, 0.5, 0.5)
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
        if case == "premultiplied":  # the encoded colour times alpha, alpha as it is
            assert_premultiplied(read_png(tmp_path / name), page)
        else:
            assert read_png(tmp_path / name) == page, f"{name} is not the page bakeview rendered"

    first_json = tmp_path / ("sheet.json" if len(pages) == 1 else "sheet-0.json")
    report, seconds = web_client.run_driver(node, "check_pixi.mjs", first_json, chromium,
                                            tmp_path / "pixi.json")
    assert report["renderer"] == "webgl", report.get("gl_renderer")
    assert report["alphaMode"] == ("premultiplied-alpha" if case == "premultiplied"
                                   else "premultiply-alpha-on-upload")

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
