"""A real Godot reads bakeview's SpriteFrames: Debian's godot3-server (Godot 3.2.3, headless)
imports the sheet's PNG in a project as the editor does, loads NAME.godot3.tres with load(), and
tests/godot/check_sprite_frames.gd checks every animation (frames in order, speed, loop) and every
frame (its AtlasTexture's page, region, margin and untrimmed size) against the sheet's TexturePacker
JSON, then rebuilds each frame from the imported page as an AnimatedSprite shows it. Here those
pixels are compared with the PNG's: alpha exactly, colour exactly wherever alpha is 20 or more
(Godot's import gives fainter texels a neighbour's colour, fix_alpha_border).

Godot 4's text format (NAME.tres) has no Godot 4 here to load it: test_godot4_resource_grammar.py
parses it by the documented grammar instead. Needs godot3-server (skipped without it;
`scripts/install-deps.sh --tests` installs it)."""
import base64
import json
import os
import shutil
import subprocess

import pytest

import bakeview
from conftest import turning
from web_client import encoded_page, expected_frame, read_png

# Godot 3's import (process/fix_alpha_border, on by default) gives texels of alpha under 20 the
# colour of an opaque neighbour (Image::fix_alpha_edges), so that filtering does not bleed
# unrelated colour in: their colour is Godot's own.
FIXED_BELOW = 20
SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "godot",
                      "check_sprite_frames.gd")


@pytest.fixture
def godot():
    path = shutil.which("godot3-server")
    if path is None:
        pytest.skip("godot3-server not installed (scripts/install-deps.sh --tests installs it)")
    return path


def run_godot(godot, project, *arguments, env=None):
    """godot3-server in `project`, its own home (the editor writes settings there)."""
    environment = {**os.environ, "HOME": str(project.parent / "home"), **(env or {})}
    run = subprocess.run([godot, "--path", str(project), *arguments], capture_output=True,
                         text=True, timeout=300, env=environment, stdin=subprocess.DEVNULL)
    return run


def test_godot3_loads_the_sprite_frames_and_every_frame_matches(godot, baked_cube, tmp_path):
    project = tmp_path / "project"
    (project / "sprites").mkdir(parents=True)
    (project / "project.godot").write_text('config_version=4\n\n[application]\n\n'
                                           'config/name="bakeview check"\n')
    shutil.copy(SCRIPT, project / "check_sprite_frames.gd")
    # 8 directions x 4 frames (1, 3, 5, 7) of a cube turning from frame 3: frames 1 and 3 show
    # the same pose, so every direction's first two frames share their pixels (dedupe)
    turning(baked_cube, 3, 7, 1.2)
    result = bakeview.sprite_sheet(baked_cube, views="COMPASS8", frame_size=(40, 32),
                                   frames=(1, 7, 2), path=str(project / "sprites" / "sheet.png"),
                                   colour="SRGB", formats=("GODOT3",))
    assert any(f["alias_of"] for f in result.frames), "no shared frame: the case tests less"
    page = encoded_page(result.pages["COLOR"][0])
    assert read_png(project / "sprites" / "sheet.png") == page

    imported = run_godot(godot, project, "--editor", "--quit")
    assert (project / "sprites" / "sheet.png.import").is_file(), imported.stderr[-2000:]
    report_path = tmp_path / "report.json"
    run = run_godot(godot, project, "-s", "check_sprite_frames.gd", env={
        "BAKEVIEW_TRES": "res://sprites/sheet.godot3.tres",
        "BAKEVIEW_JSON": "res://sprites/sheet.json",
        "BAKEVIEW_SPEED": repr(result.frame_rate), "BAKEVIEW_OUT": str(report_path)})
    assert run.returncode == 0 and report_path.is_file(), run.stderr[-2000:]
    report = json.loads(report_path.read_text())
    assert report["godot"].startswith("3."), report["godot"]
    assert report["errors"] == []

    assert result.frame_rate == 24 / 2  # the scene's 24 frames per second, every 2nd frame
    animations = {}
    for f in result.frames:
        animations.setdefault(f["animation"], []).append(f["name"])
    assert report["animations"] == animations
    by_name = {f["name"]: f for f in result.frames}
    for name, got in report["frames"].items():
        f = by_name[name]
        width, height = f["source_size"][2:]
        assert got["size"] == [width, height], name
        drawn, expected = base64.b64decode(got["rgba"]), expected_frame(page, f)
        bad = [i // 4 for i in range(0, len(expected), 4)
               if drawn[i + 3] != expected[i + 3]
               or (expected[i + 3] >= FIXED_BELOW and drawn[i:i + 3] != expected[i:i + 3])]
        assert not bad, f"frame {name}: {len(bad)} pixels differ, first (x, y, PNG, Godot): " \
                        f"{[(i % width, i // width, tuple(expected[4 * i:4 * i + 4]), tuple(drawn[4 * i:4 * i + 4])) for i in bad[:4]]}"
    assert set(report["frames"]) == set(by_name)
