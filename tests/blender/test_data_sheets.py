"""Normal and depth sheets that engines light with, read back from their files with an independent
PNG decoder (tests/png_decode.py) and compared with what the core renders for the same camera:

- a quad facing the camera is (128, 128, 255) in the normal sheet, the background too (alpha 0);
- the normal sheet decodes (code / 255 * 2 - 1) to render_view's camera-space normals within
  1/127, with the colour sheet's alpha; normal_y="DOWN" flips green and nothing else;
- render_view keeps world normals by default; normal_space="CAMERA" turns them by the camera;
- the depth sheet (16-bit grey + alpha) decodes with the JSON's near and far to render_view's
  depth within half a 16-bit step, nothing seen at far, and one range holds every view.

The real client (three.js lighting the normal sheet) is test_three_client.py.
"""
import json
import math
import os
import sys

import bpy
import pytest
from mathutils import Vector

import bakeview
from bakeview import cli

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from png_decode import COLOUR_CHUNKS, read_png  # noqa: E402

NORMAL_TOLERANCE = 1.0 / 127.0  # the bound; 8-bit quantisation alone is 1/255


def look_at(make, location, target=(0.0, 0.0, 0.0), resolution=(40, 32), **camera):
    """A camera at `location` looking at `target`, the world's +Z up in its image."""
    direction = Vector(target) - Vector(location)
    rotation = direction.to_track_quat("-Z", "Y").to_euler()
    return make.camera(location=location, rotation=rotation, resolution=resolution, **camera)


def frame_samples(path, frame):
    """(channels, bits, rows): the frame's pixels in a sheet PNG, rows top-down, each a list of
    per-pixel tuples."""
    width, _, channels, bits, samples, kinds = read_png(path)
    assert not set(kinds) & set(COLOUR_CHUNKS), f"{path} says something about colour"
    x, y, w, h = frame
    rows = []
    for row in range(y, y + h):
        start = channels * (row * width + x)
        line = samples[start:start + channels * w]
        rows.append([tuple(line[k:k + channels]) for k in range(0, len(line), channels)])
    return channels, bits, rows


def view_pixels(image, width, height):
    """An Image's pixels as rows top-down of RGBA tuples (Image.pixels is bottom row first)."""
    values = bakeview.pixels(image)
    return [[tuple(values[4 * (row * width + x):4 * (row * width + x) + 4]) for x in range(width)]
            for row in reversed(range(height))]


def unit8(value):
    return 0 if not value > 0 else 255 if value >= 1 else math.floor(value * 255.0 + 0.5)


def sheet_with_the_camera(obj, camera, tmp_path, width, height, **options):
    """One untrimmed frame through `camera`, written to tmp_path; (result, frame rect, JSON)."""
    result = bakeview.sprite_sheet(obj, views=[camera], frame_size=(width, height),
                                   path=str(tmp_path / "sheet.png"), trim=False, **options)
    (frame,) = result.frames
    assert not frame["rotated"]
    return result, frame["frame"], json.loads((tmp_path / "sheet.json").read_text())


def test_a_quad_facing_the_camera_encodes_to_128_128_255(make, tmp_path):
    plane = make.textured_plane("Plane", size=8)
    bakeview.bake(plane, kind="DIFFUSE", size=16)
    camera = make.camera(location=(0.0, 0.0, 5.0), orthographic_scale=4.0)  # looks down -Z
    result, frame, meta = sheet_with_the_camera(plane, camera, tmp_path, 24, 24,
                                                passes=("COLOR", "NORMAL"))
    assert meta["meta"]["bakeview"]["normal"] == {"image": "sheet-normal.png", "space": "camera",
                                                  "encoding": "n * 0.5 + 0.5", "y": "up"}
    channels, bits, normals = frame_samples(tmp_path / "sheet-normal.png", frame)
    _, _, colours = frame_samples(tmp_path / "sheet.png", frame)
    assert (channels, bits) == (4, 8)
    seen = 0
    for normal_row, colour_row in zip(normals, colours):
        for normal, colour in zip(normal_row, colour_row):
            assert normal == (128, 128, 255, colour[3])  # the colour's alpha, the neutral normal
            seen += colour[3] == 255
    assert 0 < seen < 24 * 24  # the plane and the background around it
    # the page Image holds what the file holds (floats before the 8-bit rounding)
    image = result.pages["NORMAL"][0]
    assert image.colorspace_settings.name == "Non-Color"
    w, h = image.size
    _, _, page = frame_samples(tmp_path / "sheet-normal.png", (0, 0, w, h))
    assert [[tuple(map(unit8, p)) for p in row] for row in view_pixels(image, w, h)] == page


@pytest.mark.parametrize("projection", ["PERSPECTIVE", "ORTHOGRAPHIC"])
def test_normal_sheet_decodes_to_the_cores_camera_space_normals(make, baked_sphere, tmp_path,
                                                                projection):
    width, height = 40, 32
    ortho = {"orthographic_scale": 3.0} if projection == "ORTHOGRAPHIC" else {}
    camera = look_at(make, (3.0, -4.0, 2.5), resolution=(width, height), **ortho)
    _, frame, _ = sheet_with_the_camera(baked_sphere, camera, tmp_path, width, height,
                                        passes=("COLOR", "NORMAL"))
    views = bakeview.render_view(camera, baked_sphere, width, height, passes=("NORMAL", "ALPHA"),
                                 normal_space="CAMERA")
    normals = view_pixels(views["NORMAL"], width, height)
    alphas = view_pixels(views["ALPHA"], width, height)
    _, _, encoded = frame_samples(tmp_path / "sheet-normal.png", frame)
    worst, seen, leaning = 0.0, 0, set()
    for y in range(height):
        for x in range(width):
            n, code = normals[y][x][:3], encoded[y][x]
            assert code[3] == unit8(alphas[y][x][0]), (x, y)  # the colour sheet's alpha
            if n == (0.0, 0.0, 0.0):  # nothing seen: the neutral normal
                assert code[:3] == (128, 128, 255), (x, y)
                continue
            seen += 1
            decoded = [c / 255 * 2 - 1 for c in code[:3]]
            error = max(abs(d - e) for d, e in zip(decoded, n))
            worst = max(worst, error)
            assert error <= NORMAL_TOLERANCE, f"pixel {x, y}: {n} decodes to {decoded}"
            leaning |= {(k, sign) for k in range(2) for sign in (-1, 1) if sign * n[k] > 0.3}
    assert seen > width * height // 4
    assert len(leaning) == 4  # normals lean left, right, up and down: a swapped axis would show
    print(f"{projection}: {seen} pixels, largest decoding error {worst:.5f} (1/255 = {1 / 255:.5f})")


def test_normal_y_down_flips_green_and_nothing_else(baked_sphere, tmp_path):
    sheets = {}
    for y in ("UP", "DOWN"):
        folder = tmp_path / y
        folder.mkdir()
        result = bakeview.sprite_sheet(baked_sphere, views="COMPASS8", frame_size=(32, 32),
                                       path=str(folder / "s.png"), passes=("COLOR", "NORMAL"),
                                       normal_y=y)
        assert result.normal_y == y
        meta = json.loads((folder / "s.json").read_text())["meta"]["bakeview"]["normal"]
        assert meta["y"] == y.lower()
        sheets[y] = read_png(folder / "s-normal.png")
    up, down = sheets["UP"], sheets["DOWN"]
    assert up[:4] == down[:4]
    tilted = 0
    for i in range(0, len(up[4]), 4):
        r, g, b, a = up[4][i:i + 4]
        r2, g2, b2, a2 = down[4][i:i + 4]
        assert (r, b, a) == (r2, b2, a2)
        assert g + g2 in (255, 256)  # 255 - g, or 256 - g where n.y * 127.5 is a whole number
        tilted += abs(g - 128) > 40
    assert tilted > 200


def test_render_view_keeps_world_normals_unless_asked_for_the_cameras(make, baked_sphere):
    width, height = 24, 20
    camera = look_at(make, (-2.0, -3.5, 3.0), resolution=(width, height))
    world = view_pixels(bakeview.render_view(camera, baked_sphere, width, height, passes="NORMAL"),
                        width, height)
    turned = view_pixels(bakeview.render_view(camera, baked_sphere, width, height, passes="NORMAL",
                                              normal_space="CAMERA", name="camera normals"),
                         width, height)
    rotation = camera.matrix_world.to_3x3().normalized().transposed()  # world -> camera
    covered = 0
    for y in range(height):
        for x in range(width):
            n = Vector(world[y][x][:3])
            if n.length == 0.0:
                assert turned[y][x][:3] == (0.0, 0.0, 0.0)
                continue
            covered += 1
            assert n.length == pytest.approx(1.0, abs=1e-5)
            assert tuple(turned[y][x][:3]) == pytest.approx(tuple(rotation @ n), abs=2e-6)
            assert turned[y][x][2] > 0.0  # toward the viewer
    assert covered > 50
    with pytest.raises(ValueError, match="normal_space must be one of WORLD, CAMERA, got 'VIEW'"):
        bakeview.render_view(camera, baked_sphere, width, height, passes="NORMAL", normal_space="VIEW")


def test_depth_sheet_decodes_to_the_cores_depth_with_the_jsons_range(make, baked_sphere, tmp_path):
    width, height = 40, 32
    camera = look_at(make, (2.5, -3.0, 2.0), resolution=(width, height))
    result, frame, meta = sheet_with_the_camera(baked_sphere, camera, tmp_path, width, height,
                                                passes=("COLOR", "DEPTH"))
    depth_meta = meta["meta"]["bakeview"]["depth"]
    assert depth_meta["image"] == "sheet-depth.png"
    assert (depth_meta["bits"], depth_meta["encoding"], depth_meta["zero"], depth_meta["units"]) == (
        16, "linear", "near", "blender")
    near, far = depth_meta["near"], depth_meta["far"]
    assert (near, far) == result.depth_range
    # the range is the bounding sphere's (radius: half the box diagonal, sqrt(3)) seen from the camera
    distance = camera.matrix_world.translation.length
    assert near == pytest.approx(distance - math.sqrt(3), abs=1e-5)
    assert far == pytest.approx(distance + math.sqrt(3), abs=1e-5)
    views = bakeview.render_view(camera, baked_sphere, width, height, passes=("DEPTH", "ALPHA"))
    depth = view_pixels(views["DEPTH"], width, height)
    alpha = view_pixels(views["ALPHA"], width, height)
    channels, bits, encoded = frame_samples(tmp_path / "sheet-depth.png", frame)
    assert (channels, bits) == (2, 16)
    step = (far - near) / 65535
    seen, worst = 0, 0.0
    for y in range(height):
        for x in range(width):
            d, (code, code_alpha) = depth[y][x][0], encoded[y][x]
            assert code_alpha == min(65535, max(0, math.floor(alpha[y][x][0] * 65535 + 0.5)))
            if d == bakeview._core.DEPTH_EMPTY:
                assert code == 65535, (x, y)  # nothing seen: far
                continue
            seen += 1
            decoded = near + code / 65535 * (far - near)
            worst = max(worst, abs(decoded - d))
            assert abs(decoded - d) <= 0.5 * step + 1e-6 * far, f"pixel {x, y}: {d} decodes to {decoded}"
            assert 0 < code < 65535  # inside the range, not clamped
    assert seen > width * height // 4
    # the page Image holds the normalised depth, grey, with the alpha
    image = result.pages["DEPTH"][0]
    pixel = view_pixels(image, *image.size)[frame[1] + height // 2][frame[0] + width // 2]
    assert pixel[0] == pixel[1] == pixel[2] and 0.0 < pixel[0] < 1.0 and pixel[3] == pytest.approx(1.0)
    print(f"{seen} pixels, range {near:.4f} .. {far:.4f}, largest decoding error {worst:.2e} "
          f"(half a step: {0.5 * step:.2e})")


def test_one_depth_range_holds_every_view_and_frame(baked_sphere, tmp_path):
    """Fitted views all see the bounding sphere (the box's: radius sqrt(3) around the unit sphere)
    between the same near and far, so one mapping holds for the sheet: in every frame the unit
    sphere's nearest point (1 in front of the centre) decodes to the same code, and what is seen
    lies between it and the centre (half way)."""
    result = bakeview.sprite_sheet(baked_sphere, views="OCTAHEDRAL:3", frame_size=(40, 40),
                                   path=str(tmp_path / "s.png"), passes=("COLOR", "DEPTH"),
                                   dedupe=False)
    near, far = result.depth_range
    assert far - near == pytest.approx(2 * math.sqrt(3), abs=1e-5)
    front = (0.5 - 0.5 / math.sqrt(3)) * 65535  # the centre's depth less 1, mapped
    assert len(result.frames) == 9
    for f in result.frames:
        _, _, rows = frame_samples(tmp_path / "s-depth.png", f["frame"])
        codes = [code for row in rows for code, alpha in row if alpha == 65535]
        assert len(codes) > 100, f["name"]
        assert abs(min(codes) - front) < 100, (f["name"], min(codes), front)
        assert max(codes) <= 32768, f["name"]  # only the near half of the sphere is seen


def test_command_line_writes_normal_and_depth_sheets(make, tmp_path, capsys):
    make.sphere(segments=16, rings=8)
    blend = tmp_path / "scene.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(blend))
    out = tmp_path / "out"
    out.mkdir()
    assert cli.run(["sheet", str(blend), "--out", str(out), "--size", "16", "--bake-size", "8",
                    "--passes", "COLOR,NORMAL,DEPTH", "--normal-y", "DOWN"]) == 0, capsys.readouterr().err
    assert sorted(os.listdir(out)) == ["scene-depth.png", "scene-normal.png", "scene.json", "scene.png"]
    data = json.loads((out / "scene.json").read_text())["meta"]["bakeview"]
    assert data["normal"]["y"] == "down" and data["depth"]["near"] < data["depth"]["far"]
    assert read_png(out / "scene-depth.png")[2:4] == (2, 16)
    assert cli.run(["sheet", "--help"]) == 0 and "--normal-y" in capsys.readouterr().out
    assert cli.run(["sheet", str(blend), "--out", str(out), "--normal-y", "LEFT"]) == 2
