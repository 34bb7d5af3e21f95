"""A real parser reads bakeview's libGDX / Spine atlas (sprite_sheet(formats=("LIBGDX",)),
NAME.atlas): the TextureAtlas of @esotericsoftware/spine-core (pinned in tests/web/package.json),
the one Spine's web runtimes load atlases with, parses it in Node (tests/web/check_spine_atlas.mjs).
Its pages and regions are compared with the frame table, and every frame is rebuilt from the PNG
page as a libGDX or Spine runtime places a region (the packed rectangle, y down on the page, put
at offset measured from the bottom-left of the untrimmed size): the pixels must be the frame's.

Needs node (skipped without it) and `npm ci` in tests/web (`./run test` does it)."""
import json
import os
import shutil
import subprocess

import pytest

import bakeview
import web_client
from web_client import expected_frame, read_png


def parse_atlas(path):
    node = shutil.which("node")
    if node is None:
        pytest.skip("node not installed (scripts/install-deps.sh --tests installs it)")
    package = os.path.join(web_client.WEB, "node_modules", "@esotericsoftware", "spine-core")
    if not os.path.isdir(package):
        pytest.fail(f"spine-core is not installed in {web_client.WEB}: run `npm ci` there")
    run = subprocess.run([node, os.path.join(web_client.WEB, "check_spine_atlas.mjs"), str(path)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def rebuilt(page, region):
    """The untrimmed frame (rows top-down, RGBA8) as libGDX places the region."""
    page_w, _, data = page
    width, height = region["originalWidth"], region["originalHeight"]
    left = region["offsetX"]
    top = height - region["offsetY"] - region["height"]  # offsetY counts from the bottom
    out = bytearray(4 * width * height)
    for v in range(region["height"]):
        for u in range(region["width"]):
            src = 4 * ((region["y"] + v) * page_w + region["x"] + u)
            dst = 4 * ((top + v) * width + left + u)
            out[dst:dst + 4] = data[src:src + 4]
    return out


@pytest.mark.parametrize("premultiplied", [False, True])
def test_spine_core_reads_every_page_and_region(baked_cube, tmp_path, premultiplied):
    # 16 directions x 2 frames on 64 x 64 pages: several pages, trimmed frames, the second frame
    # of each direction an alias of the first; premultiplied files say pma
    result = bakeview.sprite_sheet(baked_cube, views="COMPASS16", frame_size=(40, 32),
                                   frames=(1, 2), max_size=(64, 64), path=str(tmp_path / "sheet.png"),
                                   premultiplied=premultiplied, formats=("LIBGDX",))
    pages = result.pages["COLOR"]
    assert len(pages) > 1
    report = parse_atlas(tmp_path / "sheet.atlas")
    files = [read_png(tmp_path / f"sheet-{i}.png") for i in range(len(pages))]
    assert report["pages"] == [{"name": f"sheet-{i}.png", "width": w, "height": h,
                                "pma": premultiplied} for i, (w, h, _) in enumerate(files)]

    regions = report["regions"]
    assert len(regions) == len(result.frames)
    by_animation = {}
    for f in result.frames:
        by_animation.setdefault(f["animation"], []).append(f)
    for name, members in by_animation.items():
        found = sorted((r for r in regions if r["name"] == name), key=lambda r: r["index"])
        assert [r["index"] for r in found] == list(range(len(members))), name
        for r, f in zip(found, members):  # findRegions(name): the animation in order
            x, y, w, h = f["frame"]
            sx, sy, _, _ = f["source"]
            width, height = f["source_size"][2:]
            assert (r["page"], r["x"], r["y"], r["width"], r["height"]) == (f["page"], x, y, w, h)
            assert (r["originalWidth"], r["originalHeight"]) == (width, height)
            assert (r["offsetX"], r["offsetY"]) == (sx, height - sy - h), f["name"]
            assert r["degrees"] == 0
            assert rebuilt(files[f["page"]], r) == expected_frame(files[f["page"]], f), f["name"]
    print(f"spine-core {report['spine_core']}: {len(regions)} regions on {len(files)} pages")


def test_a_one_frame_animation_is_a_region_of_index_minus_one(baked_cube, tmp_path):
    result = bakeview.sprite_sheet(baked_cube, views="COMPASS8", frame_size=(40, 32),
                                   path=str(tmp_path / "sheet.png"), formats=("LIBGDX",))
    report = parse_atlas(tmp_path / "sheet.atlas")
    assert sorted((r["name"], r["index"]) for r in report["regions"]) == sorted(
        (f["name"], -1) for f in result.frames)
