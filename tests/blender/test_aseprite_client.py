"""Real clients read bakeview's Aseprite JSON (sprite_sheet(formats=("ASEPRITE",)), NAME.aseprite.json)
as they read Aseprite's own export: in Debian's headless Chromium, Phaser 3 loads it with
this.load.aseprite and makes the animations with this.anims.createFromAseprite (which looks frames up
by their index, "0", "1" ...), and PixiJS loads it with Assets.load as a spritesheet. Both draw
every frame; the pixels are compared with the PNG (web_client.compare: alpha exact, colour exact
where opaque, within 1 of the premultiplied value where alpha is partial), the animations with the
frame table: one per view, its frames in order, each lasting 1000 / frame rate milliseconds.

Needs node and chromium (skipped without them) and `npm ci` in tests/web (`./run test` does it)."""
import base64
import json

import pytest

import bakeview
import web_client
from conftest import turning
from web_client import compare, encoded_page, expected_frame, read_png


@pytest.fixture
def aseprite_sheet(baked_cube, tmp_path):
    """8 directions x 3 frames (1, 3, 5) of the cube turning from frame 3 (so frames 1 and 3 of
    each direction share their pixels), at 30 frames per second; the table's frames in Aseprite's
    order (animation by animation), the page as its PNG holds it."""
    import bpy

    scene = bpy.context.scene
    scene.render.fps, scene.render.fps_base = 30, 1.0
    turning(baked_cube, 3, 5, 0.9)
    result = bakeview.sprite_sheet(baked_cube, views="COMPASS8", frame_size=(40, 32),
                                   frames=(1, 5, 2), path=str(tmp_path / "sheet.png"),
                                   colour="SRGB", formats=("ASEPRITE",))
    assert any(f["alias_of"] for f in result.frames)
    page = encoded_page(result.pages["COLOR"][0])
    assert read_png(tmp_path / "sheet.png") == page
    order = []
    for f in result.frames:
        if f["animation"] not in order:
            order.append(f["animation"])
    frames = [f for name in order for f in result.frames if f["animation"] == name]
    return result, frames, page, tmp_path / "sheet.aseprite.json"


def test_the_file_is_aseprite_json(aseprite_sheet):
    result, frames, page, path = aseprite_sheet
    data = json.loads(path.read_text())
    assert list(data["frames"]) == [str(i) for i in range(len(frames))]
    meta = data["meta"]
    assert meta["image"] == "sheet.png" and meta["size"] == {"w": page[0], "h": page[1]}
    assert meta["format"] == "RGBA8888" and meta["scale"] == "1"
    assert [(t["name"], t["from"], t["to"], t["direction"]) for t in meta["frameTags"]] == [
        (name, 3 * k, 3 * k + 2, "forward") for k, name in enumerate(
            dict.fromkeys(f["animation"] for f in frames))]
    for i, f in enumerate(frames):
        entry = data["frames"][str(i)]
        x, y, w, h = f["frame"]
        assert entry["frame"] == {"x": x, "y": y, "w": w, "h": h}
        assert entry["duration"] == 67  # 1000 / (30 / 2), rounded: Aseprite keeps milliseconds


def check_drawn(drawn_frames, frames, page):
    worst = partial = 0
    for i, f in enumerate(frames):
        got = drawn_frames[str(i)]
        width = f["source_size"][2]
        bad, frame_worst, frame_partial = compare(expected_frame(page, f),
                                                  base64.b64decode(got["rgba"]), width)
        worst, partial = max(worst, frame_worst), partial + frame_partial
        assert not bad, f"frame {i} ({f['name']}): {len(bad)} pixels differ, first {bad[:4]}"
    assert partial > 0, "no pixel with partial alpha: the premultiplied comparison tests nothing"
    return worst, partial


def test_phaser_loads_it_and_makes_every_animation_with_its_timing(aseprite_sheet, tmp_path):
    node, chromium = web_client.browser_tools("phaser")
    result, frames, page, path = aseprite_sheet
    report, seconds = web_client.run_driver(node, "check_phaser.mjs", path, chromium,
                                            tmp_path / "phaser.json")
    assert report["renderer"] == "webgl", report.get("gl_renderer")
    assert sorted(report["loaded"]) == ["/sheet/sheet.aseprite.json", "/sheet/sheet.png"]
    assert set(report["frames"]) == {str(i) for i in range(len(frames))}
    for i, f in enumerate(frames):
        got = report["frames"][str(i)]
        assert got["cut"] == list(f["frame"]) and got["real"] == list(f["source_size"][2:])
        assert got["offset"] == list(f["source"][:2])
    worst, partial = check_drawn(report["frames"], frames, page)
    keys = {f["name"]: str(i) for i, f in enumerate(frames)}
    animations = {}
    for f in frames:
        animations.setdefault(f["animation"], []).append(
            {"frame": keys[f["name"]], "page": 0, "duration": 67})
    assert report["animations"] == animations
    print(f"Phaser {report['phaser']}: {len(frames)} frames, {len(animations)} animations, "
          f"{partial} pixels with partial alpha (largest difference {worst}), {seconds:.2f} s")


def test_pixijs_loads_it_as_a_spritesheet(aseprite_sheet, tmp_path):
    node, chromium = web_client.browser_tools("pixi.js")
    result, frames, page, path = aseprite_sheet
    report, seconds = web_client.run_driver(node, "check_pixi.mjs", path, chromium,
                                            tmp_path / "pixi.json")
    assert report["renderer"] == "webgl", report.get("gl_renderer")
    assert set(report["frames"]) == {str(i) for i in range(len(frames))}
    for i, f in enumerate(frames):
        got = report["frames"][str(i)]
        assert (got["width"], got["height"]) == tuple(f["source_size"][2:])
        assert got["trim"] == list(f["source"])
    worst, partial = check_drawn(report["frames"], frames, page)
    print(f"PixiJS {report['pixi']}: {len(frames)} frames, {partial} pixels with partial alpha "
          f"(largest difference {worst}), {seconds:.2f} s")
