"""bakeview._core outside Blender: buffers in, buffers out, errors as Python exceptions.

Run with pytest after building (BAKEVIEW_BUILD names the build folder, default ./build)."""
import array
import json
import math
import os
import sys
import threading

import pytest

BUILD = os.environ.get("BAKEVIEW_BUILD", os.path.join(os.path.dirname(__file__), "..", "..", "build"))
sys.path.insert(0, os.path.join(os.path.abspath(BUILD), "python"))

from bakeview import _core  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from png_decode import COLOUR_CHUNKS, read_png  # noqa: E402

VIEW = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, -5], [0, 0, 0, 1]]  # camera at z = 5 looking down -z


def ortho(scale=4.0, near=0.1, far=100.0):
    s = 2.0 / scale
    return [[s, 0, 0, 0], [0, s, 0, 0], [0, 0, -2 / (far - near), -(far + near) / (far - near)],
            [0, 0, 0, 1]]


def quad(size=1.0, texture=None, z=0.0, object_id=0):
    positions = array.array("f", [-size, -size, z, size, -size, z, size, size, z, -size, size, z])
    triangles = array.array("I", [0, 1, 2, 0, 2, 3])
    uvs = array.array("f", [0, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1])
    return _core.Mesh(positions, triangles, uvs, texture=texture, object_id=object_id)


def solid_texture(rgba, size=4):
    return _core.Texture(array.array("f", list(rgba) * (size * size)), size, size)


def test_gather_takes_values_at_indices_and_names_an_index_out_of_range():
    values = array.array("I", [10, 20, 30])
    out = _core.gather(values, array.array("I", [2, 0, 1, 2]))
    assert isinstance(out, array.array) and out.typecode == "I" and list(out) == [30, 10, 20, 30]
    assert list(_core.gather(values, array.array("i", []))) == []
    with pytest.raises(IndexError, match=r"indices\[1\] is 3, past the 3 values"):
        _core.gather(values, array.array("I", [0, 3]))
    with pytest.raises(IndexError, match=r"indices\[0\] is 4294967295"):
        _core.gather(values, array.array("i", [-1]))
    with pytest.raises(ValueError, match="indices"):
        _core.gather(values, array.array("d", [0.0]))


def test_render_returns_float32_buffers_of_each_pass():
    mesh = quad(texture=solid_texture((0.25, 0.5, 0.75, 1.0)))
    out = _core.render([mesh], VIEW, ortho(), 16, 8, passes=("COLOR", "ALPHA", "DEPTH", "NORMAL", "UV",
                                                              "OBJECT_ID"))
    channels = {"COLOR": 4, "ALPHA": 1, "DEPTH": 1, "NORMAL": 3, "UV": 2, "OBJECT_ID": 1}
    for name, count in channels.items():
        # an array.array, which Blender's foreach_set copies at once
        assert isinstance(out[name], array.array) and out[name].typecode == "f"
        assert len(out[name]) == 16 * 8 * count
    centre = 4 * (4 * 16 + 8)
    assert list(out["COLOR"][centre:centre + 4]) == pytest.approx([0.25, 0.5, 0.75, 1.0], abs=1e-6)
    assert out["DEPTH"][4 * 16 + 8] == pytest.approx(5.0, abs=1e-5)
    assert out["OBJECT_ID"][0] == _core.OBJECT_ID_EMPTY  # the quad spans 2 of 4 units: corners empty
    assert out["DEPTH"][0] == _core.DEPTH_EMPTY


@pytest.mark.parametrize("texture_alpha, mesh_alpha, expected", [
    # a Blender float image's texel as Cycles renders it through an Emission shader
    ("PREMULTIPLIED", "IGNORED", (0.6, 0.4, 0.2, 1.0)),
    ("CHANNEL_PACKED", "IGNORED", (0.6, 0.4, 0.2, 1.0)),
    ("IGNORE", "IGNORED", (0.6, 0.4, 0.2, 1.0)),
    ("STRAIGHT", "IGNORED", (0.3, 0.2, 0.1, 1.0)),
    # the same, mixed with a Transparent BSDF by its Alpha (straight colour over alpha)
    ("PREMULTIPLIED", "COVERAGE", (1.2, 0.8, 0.4, 0.5)),
    ("CHANNEL_PACKED", "COVERAGE", (0.6, 0.4, 0.2, 0.5)),
    ("IGNORE", "COVERAGE", (0.6, 0.4, 0.2, 1.0)),
])
def test_texture_and_mesh_alpha_choose_how_a_texel_with_alpha_renders(texture_alpha, mesh_alpha,
                                                                      expected):
    texture = _core.Texture(array.array("f", [0.6, 0.4, 0.2, 0.5] * 4), 2, 2, alpha=texture_alpha)
    positions = array.array("f", [-4, -4, 0, 4, -4, 0, 4, 4, 0, -4, 4, 0])
    triangles = array.array("I", [0, 1, 2, 0, 2, 3])
    uvs = array.array("f", [0, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1])
    mesh = _core.Mesh(positions, triangles, uvs, texture=texture, alpha=mesh_alpha)
    out = _core.render([mesh], VIEW, ortho(), 8, 8, passes=("COLOR", "ALPHA"))
    centre = 4 * 8 + 4
    assert list(out["COLOR"][4 * centre:4 * centre + 4]) == pytest.approx(expected, abs=1e-5)
    assert out["ALPHA"][centre] == pytest.approx(expected[3], abs=1e-6)


def test_unknown_alpha_names_raise_value_error():
    with pytest.raises(ValueError, match="alpha must be one of"):
        _core.Texture(array.array("f", [1, 1, 1, 1]), 1, 1, alpha="ASSOCIATED")
    with pytest.raises(ValueError, match="alpha must be one of"):
        _core.Mesh(array.array("f", [0.0] * 9), array.array("I", [0, 1, 2]), alpha="CUTOUT")


def tilted_view(degrees, scale=(1.0, 1.0, 1.0)):
    """World -> camera of a camera 5 units from the origin, turned `degrees` about X from looking
    down -Z (it sits toward -Y, looking up at the XY plane), its object scaled by `scale`."""
    a = math.radians(degrees)
    c, s = math.cos(a), math.sin(a)
    rows = [[1, 0, 0], [0, c, s], [0, -s, c]]  # R^T, R = rotation about X by a
    eye = (0.0, -5.0 * s, 5.0 * c)
    return [[x / k for x in row] + [-sum(r * e for r, e in zip(row, eye)) / k]
            for row, k in zip(rows, scale)] + [[0, 0, 0, 1]]


@pytest.mark.parametrize("scale", [(1.0, 1.0, 1.0), (2.0, 0.5, 3.0)])
def test_normals_in_camera_space_turn_with_the_camera_not_its_scale(scale):
    """A quad facing +Z seen by a camera tilted 30 degrees about X: (0, 0, 1) in the world,
    (0, sin 30, cos 30) in the camera's space (x right, y up, z toward the viewer), whatever the
    camera object's scale."""
    mesh = quad(size=50.0)
    view = tilted_view(30.0, scale)
    world = _core.render([mesh], view, ortho(), 8, 8, passes=("NORMAL",))["NORMAL"]
    camera = _core.render([mesh], view, ortho(), 8, 8, passes=("NORMAL",),
                          normal_space="CAMERA")["NORMAL"]
    for i in range(64):
        assert list(world[3 * i:3 * i + 3]) == pytest.approx([0.0, 0.0, 1.0], abs=1e-6)
        assert list(camera[3 * i:3 * i + 3]) == pytest.approx([0.0, 0.5, math.sqrt(0.75)], abs=1e-6)


def test_any_buffer_protocol_object_is_accepted():
    texture = _core.Texture(bytearray(array.array("f", [1, 0, 0, 1] * 4).tobytes()), 2, 2)
    data = array.array("f", [-1, -1, 0, 1, -1, 0, 0, 1, 0])
    mesh = _core.Mesh(memoryview(data), memoryview(array.array("i", [0, 1, 2])),
                      array.array("f", [0, 0, 1, 0, 0.5, 1]), texture=texture)
    out = _core.render([mesh], VIEW, ortho(), 8, 8)
    assert max(out["COLOR"][0::4]) == pytest.approx(1.0)


def test_numpy_arrays_are_accepted():
    numpy = pytest.importorskip("numpy")
    corners = numpy.array([-3, -3, 0, 3, -3, 0, 3, 3, 0, -3, 3, 0], numpy.float32)
    mesh = _core.Mesh(corners, numpy.array([0, 1, 2, 0, 2, 3], numpy.uint32),
                      numpy.array([0, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1], numpy.float32),
                      texture=_core.Texture(numpy.tile(numpy.array([0.5, 0.5, 0.5, 1], numpy.float32), 4), 2, 2))
    out = _core.render([mesh], numpy.array(VIEW, numpy.float32), numpy.array(ortho(), numpy.float64),
                       8, 8)
    rgba = numpy.frombuffer(out["COLOR"], numpy.float32).reshape(8, 8, 4)
    assert rgba[4, 4] == pytest.approx([0.5, 0.5, 0.5, 1.0])


@pytest.mark.parametrize("bad, message", [
    (array.array("d", [0.0] * 9), "format 'f'"),
    (array.array("h", [0] * 9), "format 'f'"),
    (b"\0" * 35, "not whole 4-byte items"),
    ([0.0] * 9, "buffer"),
    (memoryview(array.array("f", [0.0] * 18))[::2], "C-contiguous"),
])
def test_wrong_position_buffers_raise_value_error(bad, message):
    with pytest.raises(ValueError, match=message):
        _core.Mesh(bad, array.array("I", [0, 1, 2]))


def test_wrong_index_type_raises_value_error():
    with pytest.raises(ValueError, match="triangles"):
        _core.Mesh(array.array("f", [0.0] * 9), array.array("q", [0, 1, 2]))


def test_core_errors_carry_the_core_message():
    mesh = _core.Mesh(array.array("f", [0.0] * 9), array.array("I", [0, 1, 5]))
    with pytest.raises(ValueError, match="uses vertex 5"):
        _core.render([mesh], VIEW, ortho(), 8, 8, passes=("DEPTH",))
    nan = array.array("f", [math.nan] + [0.0] * 8)
    with pytest.raises(ValueError, match="NaN"):
        _core.render([_core.Mesh(nan, array.array("I", [0, 1, 2]))], VIEW, ortho(), 8, 8,
                     passes=("DEPTH",))
    with pytest.raises(ValueError, match="no texture"):
        _core.render([quad()], VIEW, ortho(), 8, 8)
    with pytest.raises(ValueError, match="pixel .* is not finite"):
        _core.Texture(array.array("f", [math.inf, 0, 0, 1]), 1, 1)


def test_huge_views_are_refused_before_allocating():
    with pytest.raises(ValueError, match="width and height"):
        _core.render([], VIEW, ortho(), 100000, 100000)


@pytest.mark.parametrize("kwargs, message", [
    ({"filter": "LANCZOS"}, "filter must be one of"),
    ({"passes": ("COLOR", "SHADOW")}, "each pass must be one of"),
    ({"samples": 0}, "samples"),
    ({"samples": 99}, "samples"),
    ({"background": (1, 2)}, "background"),
    ({"threads": -1}, "threads"),
])
def test_bad_options_raise_value_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        _core.render([quad(texture=solid_texture((1, 1, 1, 1)))], VIEW, ortho(), 8, 8, **kwargs)


def test_bad_matrices_and_meshes_raise_value_error():
    with pytest.raises(ValueError, match="4x4"):
        _core.render([], [[1, 0], [0, 1]], ortho(), 8, 8)
    with pytest.raises(ValueError, match="meshes\\[0\\]"):
        _core.render(["not a mesh"], VIEW, ortho(), 8, 8)
    with pytest.raises(ValueError, match="texture must be"):
        _core.Mesh(array.array("f", [0.0] * 9), array.array("I", [0, 1, 2]), texture="red")


def test_write_png_to_a_missing_folder_raises_os_error(tmp_path):
    path = tmp_path / "missing" / "out.png"
    with pytest.raises(OSError, match="cannot write"):
        _core.write_png(str(path), array.array("f", [0.5] * 16), 2, 2)
    assert not path.parent.exists()


def test_write_png_writes_a_file(tmp_path):
    path = tmp_path / "out.png"
    _core.write_png(str(path), array.array("f", [1, 0, 0, 1] * 4), 2, 2)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.png"]  # no temporary left


def test_a_color_lut_sampled_at_its_points_reproduces_the_transform_it_was_sampled_from(tmp_path):
    shape = {"offset": 2.0 ** -14, "knee": 1.0, "knee_index": 24}
    points = _core.color_lut_points(33, **shape)
    assert len(points) == 4 * (33 ** 3 + 32 ** 3)

    def transform(r, g, b):  # a desaturating tone curve: non-separable, smooth
        mean = (r + g + b) / 3.0
        return tuple(math.sqrt(v / (0.5 + v)) for v in (0.8 * r + 0.2 * mean, 0.8 * g + 0.2 * mean,
                                                        0.8 * b + 0.2 * mean))

    table = array.array("f")
    for i in range(33 ** 3):
        table.extend(transform(*points[4 * i:4 * i + 3]))
    lut = _core.ColorLut(table, 33, **shape)
    assert lut.shape == {"size": 33, "offset": pytest.approx(2.0 ** -14), "knee": 1.0, "knee_index": 24}
    for rgb in ((0.0, 0.0, 0.0), (0.18, 0.18, 0.18), (0.9, 0.1, 0.3), (0.01, 0.5, 2.0)):
        assert lut.apply(*rgb) == pytest.approx(transform(*rgb), abs=1.0 / 255)
    centres = points[4 * 33 ** 3:]
    expected = array.array("f")
    for i in range(32 ** 3):
        expected.extend(transform(*centres[4 * i:4 * i + 3]) + (1.0,))
    assert 0.0 < lut.error(centres, expected) < 1.0 / 255
    # a file encoded through it holds those display values as codes, premultiplied on request
    path = tmp_path / "lut.png"
    _core.write_png(str(path), array.array("f", [0.9, 0.1, 0.3, 0.5]), 1, 1, encoding="LUT", lut=lut,
                    premultiply=True)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_write_png_16_bits_of_data_decode_exactly(tmp_path):
    """Grey + alpha at 16 bits: every sample is floor(v * 65535 + 0.5), clamped, rows top-down; the
    header says 16 bits and no chunk says colour."""
    values = [0.0, 1.0, 0.5, 0.25, 1 / 65535, 0.5 / 65535, -2.0, 7.0, 0.123456, 0.999999, 0.3, 0.7]
    path = tmp_path / "depth.png"
    _core.write_png(str(path), array.array("f", values), 2, 3, 2, encoding="LINEAR", bits=16)
    width, height, channels, bits, samples, kinds = read_png(path)
    assert (width, height, channels, bits) == (2, 3, 2, 16)
    assert not set(kinds) & set(COLOUR_CHUNKS)
    f32 = array.array("f", values)  # the floats the core saw
    expected = []
    for row in (2, 1, 0):  # top-down: the last float row first
        for v in f32[4 * row:4 * row + 4]:
            expected.append(0 if not v > 0 else 65535 if v >= 1 else math.floor(v * 65535.0 + 0.5))
    assert samples == expected
    assert samples[8:12] == [0, 65535, 32768, 16384]  # bottom row: 0, 1, 0.5 (rounds up), 0.25


def test_sheets_of_a_facing_quad_encode_as_engines_read_them(tmp_path):
    """A quad facing the camera, normals in camera space, encoded and written 8-bit: (128, 128, 255)
    with the colour's alpha where it is seen, (128, 128, 255, 0) around it; its depth (5) written
    16-bit between near 4 and far 8 is a quarter of the range, nothing seen is far."""
    mesh = quad(size=1.0, texture=solid_texture((0.2, 0.4, 0.6, 1.0)))
    out = _core.render([mesh], VIEW, ortho(), 8, 8, passes=("COLOR", "NORMAL", "DEPTH"),
                       normal_space="CAMERA")
    for y in ("UP", "DOWN"):
        encoded = _core.encode_normal_sheet(out["NORMAL"], out["COLOR"], 8, 8, normal_y=y)
        _core.write_png(str(tmp_path / "n.png"), encoded, 8, 8, 4, encoding="LINEAR")
        _, _, _, _, samples, _ = read_png(tmp_path / "n.png")
        pixels = [tuple(samples[i:i + 4]) for i in range(0, len(samples), 4)]
        assert pixels[3 * 8 + 3] == (128, 128, 255, 255)  # the quad spans the middle 4 x 4 pixels
        assert pixels[0] == (128, 128, 255, 0)
        assert {p[:3] for p in pixels} == {(128, 128, 255)}
    depth = _core.encode_depth_sheet(out["DEPTH"], out["COLOR"], 8, 8, 4.0, 8.0)
    _core.write_png(str(tmp_path / "d.png"), depth, 8, 8, 2, encoding="LINEAR", bits=16)
    _, _, channels, bits, samples, _ = read_png(tmp_path / "d.png")
    assert (channels, bits) == (2, 16)
    assert samples[2 * (3 * 8 + 3):2 * (3 * 8 + 3) + 2] == [16384, 65535]  # 0.25 * 65535 = 16383.75
    assert samples[0:2] == [65535, 0]


def test_write_json_describes_the_data_sheets(tmp_path):
    frame = {"name": "a", "frame": (0, 0, 2, 2), "rotated": False, "trimmed": False,
             "source": (0, 0, 2, 2), "source_size": (0, 0, 2, 2)}
    path = tmp_path / "s.json"
    _core.write_json(str(path), [frame], image="s.png", size=(2, 2), normal_image="s-normal.png",
                     normal_y="DOWN", depth_image="s-depth.png", depth_range=(1.25, 3.5))
    meta = json.loads(path.read_text())["meta"]
    assert meta["bakeview"] == {
        "normal": {"image": "s-normal.png", "space": "camera", "encoding": "n * 0.5 + 0.5", "y": "down"},
        "depth": {"image": "s-depth.png", "bits": 16, "encoding": "linear", "near": 1.25, "far": 3.5,
                  "zero": "near", "units": "blender"}}
    _core.write_json(str(path), [frame], image="s.png", size=(2, 2))
    assert "bakeview" not in json.loads(path.read_text())["meta"]


def test_to_rgba_widens_passes():
    grey = _core.to_rgba(array.array("f", [0.5, 0.25]), 1)
    assert list(grey) == [0.5, 0.5, 0.5, 1.0, 0.25, 0.25, 0.25, 1.0]
    uv = _core.to_rgba(array.array("f", [0.1, 0.2]), 2, fill=(0, 0, 0, 1))
    assert list(uv) == pytest.approx([0.1, 0.2, 0.0, 1.0])
    with pytest.raises(ValueError, match="multiple of 3"):
        _core.to_rgba(array.array("f", [0.0] * 4), 3)


def test_straight_alpha_divides_as_blender_does_before_writing_a_file():
    f32 = lambda x: array.array("f", [x])[0]  # noqa: E731
    got = _core.straight_alpha(array.array("f", [0.2, 0.1, 0.05, 0.4,  0.3, 0.2, 0.1, 1.0,
                                                 0.5, 0.5, 0.5, 0.0,  0.0, 0.0, 0.0, 0.0]))
    scale = f32(1.0 / f32(0.4))  # times 1 / alpha, in float32
    assert list(got[:4]) == [f32(f32(0.2) * scale), f32(f32(0.1) * scale),
                             f32(f32(0.05) * scale), f32(0.4)]
    assert list(got[4:]) == list(array.array("f", [0.3, 0.2, 0.1, 1.0, 0.5, 0.5, 0.5, 0.0,
                                                   0.0, 0.0, 0.0, 0.0]))  # alpha 1 and 0 as is
    with pytest.raises(ValueError, match="not RGBA"):
        _core.straight_alpha(array.array("f", [0.0] * 6))
    with pytest.raises(ValueError, match="C-contiguous buffer"):
        _core.straight_alpha([0.0, 0.0, 0.0, 1.0])


def test_camera_normals_turn_world_normals_into_the_views_camera_space():
    # a camera looking along +y (rotated 90 degrees about x) and scaled by 2: rows right, up, back
    view = [[2, 0, 0, 0], [0, 0, 2, 0], [0, -2, 0, 5], [0, 0, 0, 1]]
    got = _core.camera_normals(array.array("f", [0, -1, 0,  0, 0, 0.5,  0, 0, 0,  1, 0, 0]), view)
    assert list(got) == pytest.approx([0, 0, 1,  0, 1, 0,  0, 0, 0,  1, 0, 0])  # unit, 0 stays 0
    with pytest.raises(ValueError, match="multiple of 3"):
        _core.camera_normals(array.array("f", [0.0] * 4), view)
    with pytest.raises((TypeError, ValueError)):
        _core.camera_normals(array.array("f", [0.0] * 3), [[1, 0], [0, 1]])


def test_linear_to_srgb8_is_the_exact_curve():
    assert _core.linear_to_srgb8(0.0) == 0
    assert _core.linear_to_srgb8(1.0) == 255
    assert _core.linear_to_srgb8(0.5) == 188
    assert _core.linear_to_srgb8(float("nan")) == 0


def test_render_releases_the_gil():
    """Python code runs while the core renders on another thread."""
    mesh = quad(size=3.0, texture=solid_texture((0.5, 0.5, 0.5, 1.0), 256))
    done = threading.Event()
    result = {}

    def work():
        result["out"] = _core.render([mesh], VIEW, ortho(), 1024, 1024, samples=8, threads=1)
        done.set()

    thread = threading.Thread(target=work)
    ticks = 0
    thread.start()
    while not done.is_set():
        ticks += 1
    thread.join()
    assert len(result["out"]["COLOR"]) == 1024 * 1024 * 4
    assert ticks > 1000  # with the GIL held for the whole render this loop could not run


def test_write_multipack_json_puts_each_frame_on_its_page_in_the_order_given(tmp_path):
    import json

    def frame(name, page, x):
        return {"name": name, "page": page, "frame": (x, 1, 2, 3), "trimmed": True, "source": (1, 0, 2, 3),
                "source_size": (0, 0, 4, 4), "pivot_x": 0.25, "pivot_y": 0.75}
    frames = [frame("c", 1, 0), frame("a", 0, 5), frame("b", 1, 3), frame("d", 2, 0)]
    pages = [{"image": f"s-{i}.png", "size": (8, 4 + i)} for i in range(3)]
    path = tmp_path / "s.json"
    _core.write_multipack_json(str(path), frames, pages=pages, animations={"run": ["d", "a", "c"]})
    data = json.loads(path.read_text())
    assert [t["image"] for t in data["textures"]] == ["s-0.png", "s-1.png", "s-2.png"]
    assert [t["size"] for t in data["textures"]] == [{"w": 8, "h": 4 + i} for i in range(3)]
    assert [[f["filename"] for f in t["frames"]] for t in data["textures"]] == [["a"], ["c", "b"], ["d"]]
    b = data["textures"][1]["frames"][1]
    assert b["frame"] == {"x": 3, "y": 1, "w": 2, "h": 3} and b["trimmed"] is True
    assert b["spriteSourceSize"] == {"x": 1, "y": 0, "w": 2, "h": 3} and b["sourceSize"] == {"w": 4, "h": 4}
    assert b["pivot"] == b["anchor"] == {"x": 0.25, "y": 0.75}
    assert data["animations"] == {"run": ["d", "a", "c"]}
    assert data["meta"]["app"] == "bakeview" and data["meta"]["premultiplyAlpha"] is False
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json"]


def test_same_bytes_compares_buffers_byte_for_byte():
    a = array.array("f", [0.0, 1.0, float("nan")])
    assert _core.same_bytes(a, array.array("f", a))  # the same NaN bits too
    assert not _core.same_bytes(a, array.array("f", [0.0, 1.0, 2.0]))
    assert not _core.same_bytes(a, array.array("f", [0.0, 1.0]))  # another length
    assert not _core.same_bytes(array.array("f", [-0.0]), array.array("f", [0.0]))  # bits, not values
    assert _core.same_bytes(b"", bytearray())
    with pytest.raises(TypeError):
        _core.same_bytes(a, [0.0, 1.0, 2.0])


def test_unique_colors_takes_each_colour_once_and_expand_colors_puts_them_back():
    pixels = array.array("f", [0.1, 0.2, 0.3, 0.5] * 3 + [0.0, 0.0, 0.0, 0.0] * 2 +
                         [0.1, 0.2, 0.3, 1.0, 2.0, 0.5, 0.0, 0.25])
    colors, index = _core.unique_colors(pixels)
    assert (colors.typecode, index.typecode) == ("f", "I")
    assert list(colors) == pytest.approx([0.1, 0.2, 0.3, 1.0, 0.0, 0.0, 0.0, 1.0,
                                          2.0, 0.5, 0.0, 1.0])
    assert list(index) == [0, 0, 0, 1, 1, 0, 2]
    transformed = array.array("f", [c * 0.5 for c in colors])  # as a colour transform would
    back = _core.expand_colors(transformed, index, pixels)
    assert list(back[3::4]) == list(pixels[3::4])  # each pixel's own alpha
    assert list(back[0:3]) == pytest.approx([0.05, 0.1, 0.15])
    assert list(back[24:27]) == pytest.approx([1.0, 0.25, 0.0])
    with pytest.raises(ValueError, match="are not whole RGBA pixels"):
        _core.unique_colors(array.array("f", [1.0, 2.0]))
    with pytest.raises(ValueError, match="position 0 is 3, past the 3 colours"):
        _core.expand_colors(colors, array.array("I", [3]), array.array("f", [0, 0, 0, 1]))
