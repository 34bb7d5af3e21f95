"""bakeview preview: a written sheet's animations as animated PNGs and one HTML page, checked in
Debian's headless Chromium (tests/web/check_preview.mjs): the page, opened as a person opens it,
plays every animation's frames in order at the sheet's frame rate; Chromium's own image decoder
(ImageDecoder) reads each APNG as that many frames, looping for ever, each lasting
1 / frame rate; and the frames, both as the page draws them and as the APNG holds them, are the
sheet's frames as its PNG holds them (alpha exactly, colour exactly where opaque, and within the
rounding of a canvas's premultiplied storage where alpha is partial).

Needs node and chromium (skipped without them)."""
import base64
import json
import shutil

import bpy
import pytest

import bakeview
import web_client
from bakeview import cli
from conftest import turning
from web_client import expected_frame, read_png


def compare_straight(expected, got):
    """Mismatches of straight RGBA8 read back through a canvas (stored premultiplied: colour can
    move by up to 255 / alpha where alpha is partial)."""
    bad = []
    for i in range(0, len(expected), 4):
        a = expected[i + 3]
        tolerance = 0 if a == 255 else 255 / a if a else 255
        if got[i + 3] != a or any(abs(got[i + k] - expected[i + k]) > tolerance for k in range(3)):
            bad.append((i // 4, tuple(expected[i:i + 4]), tuple(got[i:i + 4])))
    return bad


@pytest.fixture
def chromium():
    node, browser = shutil.which("node"), shutil.which("chromium")
    if node is None or browser is None:
        pytest.skip("node or chromium not installed (scripts/install-deps.sh --tests)")
    return node, browser


def test_the_preview_plays_every_animation_in_order_and_its_apngs_hold_the_frames(
        chromium, baked_cube, tmp_path):
    node, browser = chromium
    scene = bpy.context.scene
    scene.render.fps, scene.render.fps_base = 30, 1.0
    turning(baked_cube, 1, 5, 1.0)
    # several pages and frames packed rotated: the multi-pack NAME.json is what the preview reads
    result = bakeview.sprite_sheet(baked_cube, views="COMPASS8", frame_size=(40, 32),
                                   frames=(1, 5, 2), max_size=(96, 96), allow_rotation=True,
                                   path=str(tmp_path / "sheet.png"), colour="SRGB")
    assert len(result.pages["COLOR"]) > 1 and any(f["rotated"] for f in result.frames)
    assert cli.run(["preview", str(tmp_path / "sheet.json")]) == 0
    report, seconds = web_client.run_driver(node, "check_preview.mjs",
                                            tmp_path / "sheet-preview.html", browser,
                                            tmp_path / "preview.json")
    assert report["frame_rate"] == 15.0  # 30 frames per second, every 2nd frame
    animations = json.loads((tmp_path / "sheet.json").read_text())["animations"]
    assert {name: a["frames"] for name, a in report["animations"].items()} == animations

    pages = [read_png(tmp_path / f"sheet-{i}.png") for i in range(len(result.pages["COLOR"]))]
    by_name = {f["name"]: f for f in result.frames}
    for name, got in report["animations"].items():
        count = len(got["frames"])
        assert got["shown"][:2 * count] == list(range(count)) * 2, name
        apng = got["apng"]
        assert apng["file"].endswith(f"sheet-preview-{name}.png")
        assert apng["frame_count"] == count and apng["repetition_count"] == "Infinity"
        assert all(abs(d - 1e6 / 15) <= 1000 for d in apng["durations"]), apng["durations"]
        for index, frame_name in enumerate(got["frames"]):
            f = by_name[frame_name]
            expected = expected_frame(pages[f["page"]], f)
            for what in ("drawn", "apng"):
                pixels = base64.b64decode(got[what][index] if what == "drawn"
                                          else apng["frames"][index])
                bad = compare_straight(expected, pixels)
                assert not bad, f"{name} frame {index} ({what}): {len(bad)} pixels differ: {bad[:3]}"
    print(f"{len(report['animations'])} animations played in order, Chromium {seconds:.2f} s")


def test_a_sheet_of_still_views_plays_its_frames_in_order(chromium, baked_cube, tmp_path):
    node, browser = chromium
    bakeview.sprite_sheet(baked_cube, views="TURNTABLE:6", frame_size=(24, 24),
                          path=str(tmp_path / "turn.png"))
    written = bakeview.preview(tmp_path / "turn.json", out=tmp_path / "previews", fps=8)
    assert [p.rsplit("/", 1)[1] for p in written] == ["turn-preview-frames.png",
                                                       "turn-preview.html"]
    report, _ = web_client.run_driver(node, "check_preview.mjs", tmp_path / "previews" /
                                      "turn-preview.html", browser, tmp_path / "preview.json")
    assert report["frame_rate"] == 8.0
    frames = json.loads((tmp_path / "turn.json").read_text())["frames"]
    assert report["animations"]["frames"]["frames"] == list(frames)
    assert report["animations"]["frames"]["apng"]["frame_count"] == 6


def test_existing_preview_files_are_kept_unless_overwrite(baked_cube, tmp_path, capsys):
    bakeview.sprite_sheet(baked_cube, views="COMPASS8", frame_size=(24, 24),
                          path=str(tmp_path / "s.png"))
    (tmp_path / "s-preview.html").write_text("mine")
    assert cli.run(["preview", str(tmp_path / "s.json")]) == 1
    assert "s-preview.html exists; pass --overwrite to replace it" in capsys.readouterr().err
    assert (tmp_path / "s-preview.html").read_text() == "mine"
    assert not list(tmp_path.glob("s-preview-*.png"))
    assert cli.run(["preview", str(tmp_path / "s.json"), "--overwrite"]) == 0
    assert (tmp_path / "s-preview.html").read_text().startswith("<!doctype html>")


@pytest.mark.parametrize("content, says", [
    (None, "cannot read the sheet"),
    ("{}", "is not a TexturePacker JSON sheet"),
    ('{"frames": {}, "meta": {"image": "gone.png"}}', "png: cannot open"),
])
def test_a_sheet_that_cannot_be_read_is_one_error_line(tmp_path, capsys, content, says):
    path = tmp_path / "x.json"
    if content is not None:
        path.write_text(content)
    assert cli.run(["preview", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("bakeview: error: ") and says in err and err.count("\n") == 1, err
