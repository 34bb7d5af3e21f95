"""A real client reads bakeview's multi-page sprite sheets in one call: Phaser 3 (tests/web, pinned
in package.json) in Debian's headless Chromium loads NAME.json, the multi-pack JSON that
sprite_sheet writes beside NAME-0.png ... when a sheet has several pages, with
this.load.multiatlas(KEY, "NAME.json", FOLDER), as a Phaser game does.

tests/web/check_phaser.mjs serves the sheet on 127.0.0.1; phaser_frames.js reports, for every frame
of the texture Phaser made, its page, rectangle and trim as Phaser holds them (cutX, cutY,
cutWidth, cutHeight; realWidth, realHeight; the trim offset and spriteSourceSize; the pivot) and
the pixels Phaser's WebGL renderer draws for it: an Image of the frame with origin (0, 0) in a
DynamicTexture of the frame's untrimmed size, read back with readPixels. Those are compared with
the frame table and with the frame as it must look (web_client.expected_frame: the page's region at
spriteSourceSize in a transparent sourceSize image, 8-bit sRGB, straight alpha as the PNG holds
it), the way test_pixi_client.py does: Phaser uploads the PNG premultiplied and its render target
holds premultiplied colour, so alpha must match exactly, colour exactly where alpha is 255, 0 where
it is 0, and within 1 of round(c * a / 255) where alpha is partial.

Phaser 3.90 does not draw frames packed rotated the right way round (json.h says why):
test_phaser_draws_rotated_frames_wrong pins that, so that the documentation is changed the day a
pinned Phaser does.

Needs node and chromium (skipped without them; `scripts/install-deps.sh --tests` installs
chromium) and `npm ci` in tests/web (`./run test` does it).
"""
import base64
import json

import pytest

import bakeview
import web_client
from web_client import compare, encoded_page, expected_frame, read_png


@pytest.fixture
def browser_tools():
    """(node, chromium), Phaser installed at package.json's version (web_client.browser_tools)."""
    return web_client.browser_tools("phaser")


def phaser_sheet(cube, folder, **options):
    """A sheet of several pages written to folder/sheet.png (so sheet-0.png ... and sheet.json);
    returns the SheetResult and the pages as their PNG files must hold them."""
    # the plain sRGB curve, which encoded_page re-derives (test_colour_files covers the scene's)
    result = bakeview.sprite_sheet(cube, frame_size=(40, 32), path=str(folder / "sheet.png"),
                                   colour="SRGB", trim=True, extrude=0, **options)
    pages = result.pages["COLOR"]
    assert len(pages) > 1, "one page: the case tests nothing"
    encoded = [encoded_page(image) for image in pages]
    for number, page in enumerate(encoded):
        assert read_png(folder / f"sheet-{number}.png") == page, f"sheet-{number}.png is not the page"
    assert (folder / "sheet.json").is_file(), "no multi-pack sheet.json beside the pages"
    return result, encoded


def test_phaser_loads_every_page_in_one_call_and_draws_every_frame(browser_tools, baked_cube,
                                                                    tmp_path):
    node, chromium = browser_tools
    # 16 directions x 2 animation frames of a still cube on 64 x 64 pages: every frame trimmed,
    # the second frame of each direction an alias (dedupe) of the first, one animation each
    result, encoded = phaser_sheet(baked_cube, tmp_path, views="COMPASS16", frames=(1, 2),
                                   max_size=(64, 64), dedupe=True)
    assert any(f["alias_of"] for f in result.frames)
    assert all(f["trimmed"] and not f["rotated"] for f in result.frames)
    report, seconds = web_client.run_driver(node, "check_phaser.mjs", tmp_path / "sheet.json",
                                            chromium, tmp_path / "phaser.json")
    assert report["renderer"] == "webgl", report.get("gl_renderer")

    # one call: the multi-pack JSON brought every PNG page into one texture, its sources in order
    assert sorted(report["loaded"]) == sorted(["/sheet/sheet.json"] * 2 + [
        f"/sheet/sheet-{i}.png" for i in range(len(encoded))])  # the JSON once more for load.json
    assert report["pages"] == [{"width": width, "height": height} for width, height, _ in encoded]
    drawn = report["frames"]
    assert set(drawn) == {f["name"] for f in result.frames}
    worst = partial = 0
    for f in result.frames:
        got, name = drawn[f["name"]], f["name"]
        x, y, w, h = f["frame"]
        sx, sy, _, _ = f["source"]
        width, height = f["source_size"][2:]
        assert got["page"] == f["page"], name
        assert got["cut"] == [x, y, w, h], name
        assert got["real"] == [width, height], name
        assert got["offset"] == [sx, sy], name
        assert got["trimmed"] is True and got["rotated"] is False, name
        assert got["spriteSourceSize"] == {"x": sx, "y": sy, "w": w, "h": h, "r": sx + w,
                                           "b": sy + h}, name  # Phaser adds right and bottom
        assert got["sourceSize"] == {"w": width, "h": height}, name
        assert got["custom_pivot"] is True, name
        assert got["pivot"] == pytest.approx([f["pivot_x"], f["pivot_y"]]), name
        pixels = base64.b64decode(got["rgba"])
        assert len(pixels) == 4 * width * height, name
        bad, frame_worst, frame_partial = compare(expected_frame(encoded[f["page"]], f), pixels, width)
        worst, partial = max(worst, frame_worst), partial + frame_partial
        assert not bad, (f"frame {name} on page {f['page']}: {len(bad)} pixels differ, first (x, y, "
                         f"expected straight, Phaser premultiplied): {bad[:5]}")
    assert partial > 0, "no pixel with partial alpha: the premultiplied comparison tests nothing"

    # the animations of the same file, made with this.anims.create, find every frame on its page
    animations = json.loads((tmp_path / "sheet.json").read_text())["animations"]
    page_of = {f["name"]: f["page"] for f in result.frames}
    assert len(animations) == 16
    assert report["animations"] == {
        name: [{"frame": frame, "page": page_of[frame], "duration": 0} for frame in frames]
        for name, frames in animations.items()}
    print(f"{len(drawn)} frames on {len(encoded)} pages, Phaser {report['phaser']} "
          f"({report['gl_renderer']}), {partial} pixels with partial alpha, largest premultiplied "
          f"difference there {worst}, node + Chromium {seconds:.2f} s")


def test_phaser_draws_rotated_frames_wrong(browser_tools, baked_cube, tmp_path):
    """What json.h says of Phaser and "rotated": it reads the frame's rectangle (unrotated size)
    and marks it rotated, and draws it otherwise than turned back, while the frames beside it
    that are not rotated come out right."""
    node, chromium = browser_tools
    result, encoded = phaser_sheet(baked_cube, tmp_path, views="TURNTABLE:12:0,35",
                                   allow_rotation=True, max_size=(96, 96))
    rotated = [f for f in result.frames if f["rotated"]]
    assert rotated and len(rotated) < len(result.frames), "the case needs frames of both kinds"
    report, _ = web_client.run_driver(node, "check_phaser.mjs", tmp_path / "sheet.json", chromium,
                                      tmp_path / "phaser.json")
    for f in result.frames:
        got = report["frames"][f["name"]]
        assert got["cut"] == list(f["frame"]) and got["rotated"] == f["rotated"], f["name"]
        bad, _, _ = compare(expected_frame(encoded[f["page"]], f), base64.b64decode(got["rgba"]),
                            f["source_size"][2])
        if f["rotated"]:
            assert bad, f"Phaser drew rotated frame {f['name']} right: json.h must say so now"
        else:
            assert not bad, f"frame {f['name']}: {len(bad)} pixels differ"


def test_phaser_loads_each_pages_normal_sheet_as_its_normal_map(browser_tools, baked_cube, tmp_path):
    """A sheet with a NORMAL pass names each page's normal sheet as the multi-pack's "normalMap",
    and Phaser's load.multiatlas brings them in with the pages, for its lights."""
    node, chromium = browser_tools
    _, encoded = phaser_sheet(baked_cube, tmp_path, views="COMPASS8", max_size=(64, 64),
                              passes=("COLOR", "NORMAL"))
    report, _ = web_client.run_driver(node, "check_phaser.mjs", tmp_path / "sheet.json", chromium,
                                      tmp_path / "phaser.json")
    pages = [{"width": width, "height": height} for width, height, _ in encoded]
    assert report["normal_maps"] == pages
    assert sorted(report["loaded"]) == sorted(["/sheet/sheet.json"] * 2 + [
        f"/sheet/sheet{tag}-{i}.png" for i in range(len(encoded)) for tag in ("", "-normal")])
