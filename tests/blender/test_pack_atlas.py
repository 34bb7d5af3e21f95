"""bakeview.pack_atlas: several objects' bakes in one texture, a new UV map per mesh pointing into
it, everything else as it was."""
import array
import os

import bpy
import pytest

import bakeview
import bakeview.atlas
from bakeview import _core, records
from conftest import crop, forget, snapshot

SIZES = {"A": (32, 16), "B": (16, 32), "C": (8, 8)}


def read(image):
    return bakeview.pixels(image)


def uvs_of(mesh, name):
    values = array.array("f", bytes(8 * len(mesh.loops)))
    mesh.uv_layers[name].data.foreach_get("uv", values)
    return values


def power_of_two(n):
    return n > 0 and n & (n - 1) == 0


@pytest.fixture
def trio(make):
    """Three objects with dyadic UVs (exact in float32) and bakes of three sizes. A has a second
    UV map that is active for editing while the first renders; the bake used the first."""
    a = make.plane("A", uv_rect=(0.125, 0.25, 0.875, 0.75),
                   materials=[make.material("A m", base=make.texture("A t", 16, 16, seed=1))])
    second = a.data.uv_layers.new(name="Second")
    second.data.foreach_set("uv", [0.5] * 8)
    a.data.uv_layers.active_index = 1
    b = make.split_plane("B", make.material("B left", base=make.texture("B t", 8, 8, seed=2)),
                         make.material("B right", base=(0.8, 0.2, 0.1, 1.0)), location=(3, 0, 0))
    c = make.plane("C", materials=[make.material("C m", base=make.texture("C t", 8, 8, seed=3))],
                   location=(-3, 0, 0))
    for obj in (a, b, c):
        bakeview.bake(obj, kind="DIFFUSE", size=SIZES[obj.name], margin=2, uv_map="UVMap")
    return a, b, c


# -- the atlas -------------------------------------------------------------------------------------


def test_every_bake_lands_whole_in_its_own_padded_rect(trio):
    result = bakeview.pack_atlas(padding=4)

    width, height = result.size
    assert tuple(result.image.size) == result.size
    assert power_of_two(width) and power_of_two(height)
    assert result.image.is_float and result.kind == "DIFFUSE" and result.scale == 1.0
    assert sorted(result.rects) == ["A", "B", "C"]
    atlas = read(result.image)
    boxes = []
    for obj in trio:
        x, y, w, h = result.rects[obj.name]
        assert (w, h) == SIZES[obj.name]
        assert x >= 2 and y >= 2 and x + w <= width - 2 and y + h <= height - 2  # padding // 2
        bake = records.baked_image(obj)
        assert result.sources[obj.name] == bake.name
        assert crop(atlas, width, height, (x, y, w, h)) == crop(read(bake), w, h, (0, 0, w, h))
        boxes.append((x, y, w, h))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            apart_x = a[0] + a[2] + 4 <= b[0] or b[0] + b[2] + 4 <= a[0]
            apart_y = a[1] + a[3] + 4 <= b[1] or b[1] + b[3] + 4 <= a[1]
            assert apart_x or apart_y, f"{a} and {b} are closer than the padding"
    area = sum(w * h for w, h in SIZES.values())
    assert result.occupancy == pytest.approx(area / (width * height))


def test_edges_are_extruded_into_the_padding(trio):
    result = bakeview.pack_atlas(padding=4)  # extrude 2

    width, height = result.size
    atlas = read(result.image)
    for name, (x, y, w, h) in result.rects.items():
        inside = crop(atlas, width, height, (x, y, w, h))
        left = crop(atlas, width, height, (x - 2, y, 2, h))
        top = crop(atlas, width, height, (x, y - 2, w, 2))
        corner = crop(atlas, width, height, (x + w, y + h, 2, 2))
        assert all(row == row_in[:4] * 2 for row, row_in in zip(left, inside)), name
        assert top == [inside[0], inside[0]], name
        assert corner == [inside[-1][-4:] * 2] * 2, name


def test_power_of_two_square_and_an_explicit_size_shape_the_atlas(trio):
    default = bakeview.pack_atlas()
    free = bakeview.pack_atlas(power_of_two=False, name="free", uv_map="free")
    square = bakeview.pack_atlas(square=True, name="square", uv_map="square")
    fixed = bakeview.pack_atlas(size=(100, 60), name="fixed", uv_map="fixed")

    assert not all(power_of_two(n) for n in free.size)
    assert free.size[0] <= default.size[0] and free.size[1] <= default.size[1]
    assert square.size[0] == square.size[1] and power_of_two(square.size[0])
    assert fixed.size == (100, 60) and tuple(fixed.image.size) == (100, 60)
    atlas = read(fixed.image)
    for obj in trio:
        x, y, w, h = fixed.rects[obj.name]
        assert x + w <= 100 and y + h <= 60
        assert crop(atlas, 100, 60, (x, y, w, h)) == crop(read(records.baked_image(obj)), w, h,
                                                          (0, 0, w, h))


# -- the new UV map --------------------------------------------------------------------------------


def test_texel_centres_of_a_bake_land_on_texel_centres_of_the_atlas():
    rect, atlas_size = (6, 10, 32, 16), (64, 128)
    x, y, w, h = rect
    centres = array.array("f", [c for i in range(w) for c in ((i + 0.5) / w, (i % h + 0.5) / h)])

    moved = bakeview.atlas.remap_uvs(centres, rect, atlas_size)

    for i in range(w):
        j = i % h  # bake row j, from the bottom
        assert moved[2 * i] == (x + i + 0.5) / 64
        assert moved[2 * i + 1] == (128 - y - h + j + 0.5) / 128  # atlas row y + h - 1 - j, down


def test_the_new_uv_map_is_the_bake_uv_map_moved_into_the_rect(trio):
    result = bakeview.pack_atlas()

    width, height = result.size
    for obj in trio:
        mesh = obj.data
        assert result.uv_maps[obj.name] == "bakeview_atlas"
        old, new = uvs_of(mesh, "UVMap"), uvs_of(mesh, "bakeview_atlas")
        x, y, w, h = result.rects[obj.name]
        for u, v, u2, v2 in zip(old[0::2], old[1::2], new[0::2], new[1::2]):
            assert u2 == pytest.approx((x + u * w) / width, abs=1e-7)
            assert v2 == pytest.approx(1 - (y + (1 - v) * h) / height, abs=1e-7)
        su, sv, ou, ov = result.transforms[obj.name]
        for u, v, u2, v2 in zip(old[0::2], old[1::2], new[0::2], new[1::2]):
            assert (u * su + ou, v * sv + ov) == pytest.approx((u2, v2), abs=1e-7)


def test_the_new_uv_map_reads_the_same_colour_in_the_atlas_as_the_old_one_in_the_bake(trio):
    result = bakeview.pack_atlas(padding=4)

    width, height = result.size
    atlas = _core.Texture(read(result.image), width, height)
    checked = 0
    for obj in trio:
        mesh = obj.data
        bake_image = records.baked_image(obj)
        w, h = bake_image.size
        # EXTEND: at the bake's own edge the atlas reads the extruded texels, the same ones
        bake = _core.Texture(read(bake_image), w, h, extension="EXTEND")
        old, new = uvs_of(mesh, "UVMap"), uvs_of(mesh, "bakeview_atlas")
        for polygon in mesh.polygons:
            loops = list(polygon.loop_indices)
            centre_old = [sum(old[2 * i + k] for i in loops) / len(loops) for k in (0, 1)]
            centre_new = [sum(new[2 * i + k] for i in loops) / len(loops) for k in (0, 1)]
            for i in loops:
                corner_old, corner_new = old[2 * i:2 * i + 2], new[2 * i:2 * i + 2]
                points = [(corner_old, corner_new)]
                for t in (0.25, 0.5, 0.75):  # inside the island, towards the face's centre
                    points.append(([c + t * (m - c) for c, m in zip(corner_old, centre_old)],
                                   [c + t * (m - c) for c, m in zip(corner_new, centre_new)]))
                for p_old, p_new in points:
                    expected = bake.sample(*p_old)
                    got = atlas.sample(*p_new)
                    assert got == pytest.approx(expected, abs=1e-6), (obj.name, i, p_old, p_new)
                    checked += 1
    assert checked == 3 * 4 * 4 + 4 * 4  # A and C: 1 quad, B: 2 quads; 4 points per corner


def test_a_cube_with_thirds_in_its_uvs_reads_the_same_within_float32(make):
    cube = make.cube("Cube", materials=[make.material("m", base=make.texture("t", 12, 12, seed=5))])
    bakeview.bake(cube, kind="DIFFUSE", size=48, margin=2)
    make.plane("P", materials=[make.material("p", base=(0.1, 0.9, 0.3, 1.0))], location=(3, 0, 0))
    bakeview.bake("P", kind="DIFFUSE", size=16)

    result = bakeview.pack_atlas()

    atlas = _core.Texture(read(result.image), *result.size)
    bake = _core.Texture(read(records.baked_image(cube)), 48, 48, extension="EXTEND")
    old, new = uvs_of(cube.data, "UVMap"), uvs_of(cube.data, "bakeview_atlas")
    for polygon in cube.data.polygons:
        loops = list(polygon.loop_indices)
        for i in loops:
            p_old = [0.5 * (old[2 * i + k] + sum(old[2 * j + k] for j in loops) / 4)
                     for k in (0, 1)]
            p_new = [0.5 * (new[2 * i + k] + sum(new[2 * j + k] for j in loops) / 4)
                     for k in (0, 1)]
            assert atlas.sample(*p_new) == pytest.approx(bake.sample(*p_old), abs=1e-4)


def test_uv_maps_materials_and_images_stay_as_they_were(trio):
    old_uvs = {obj.name: {uv.name: uvs_of(obj.data, uv.name) for uv in obj.data.uv_layers}
               for obj in trio}
    before = snapshot()

    result = bakeview.pack_atlas()

    after = snapshot()
    assert result.image.name == "atlas"
    made = [(obj.data.name, "bakeview_atlas") for obj in trio]
    assert forget(after, images=["atlas"], uv_maps=made) == before
    for obj in trio:
        assert obj.data.uv_layers[-1].name == "bakeview_atlas"
        assert not obj.data.uv_layers["bakeview_atlas"].active_render
        for name, values in old_uvs[obj.name].items():
            assert uvs_of(obj.data, name) == values
    assert trio[0].data.uv_layers.active.name == "Second"
    assert trio[0].data.uv_layers["UVMap"].active_render


def test_the_atlas_is_kept_with_the_blend_file(trio):
    result = bakeview.pack_atlas()

    assert result.image.packed_file is not None
    assert result.image.colorspace_settings.name != "Non-Color"


def test_linked_duplicates_share_the_bake_and_one_uv_map(trio):
    a = trio[0]
    twin = bpy.data.objects.new("A twin", a.data)
    bpy.context.scene.collection.objects.link(twin)
    records.remember(twin, "DIFFUSE", records.baked_image(a), "UVMap")

    result = bakeview.pack_atlas()

    assert result.rects["A twin"] == result.rects["A"]
    assert result.uv_maps["A twin"] == "bakeview_atlas"
    assert [uv.name for uv in a.data.uv_layers].count("bakeview_atlas") == 1
    assert len({r for r in result.rects.values()}) == 3


def test_scale_halves_every_bake_into_means_of_two_by_two_texels(trio):
    result = bakeview.pack_atlas(scale=0.5)

    width, height = result.size
    atlas = read(result.image)
    assert result.scale == 0.5
    for obj in trio:
        w, h = SIZES[obj.name]
        x, y, sw, sh = result.rects[obj.name]
        assert (sw, sh) == (w // 2, h // 2)
        full = crop(read(records.baked_image(obj)), w, h, (0, 0, w, h))
        small = crop(atlas, width, height, (x, y, sw, sh))
        for row in range(sh):
            for col in range(sw):
                for c in range(4):
                    mean = sum(full[2 * row + dy][4 * (2 * col + dx) + c]
                               for dy in (0, 1) for dx in (0, 1)) / 4
                    assert small[row][4 * col + c] == pytest.approx(mean, abs=1e-6)


def test_a_data_kind_makes_a_non_color_atlas(trio):
    bakeview.bake(list(trio), kind="NORMAL", size=8, uv_map="UVMap")

    result = bakeview.pack_atlas(kind="NORMAL", name="normals")

    assert result.kind == "NORMAL"
    assert result.image.colorspace_settings.name == "Non-Color"
    assert all(r[2:] == (8, 8) for r in result.rects.values())


# -- overwriting -----------------------------------------------------------------------------------


def test_overwrite_rewrites_the_uv_map_and_replaces_the_image_in_place(trio):
    first = bakeview.pack_atlas(objects=trio[:2])
    user = bpy.data.materials.new("uses the atlas")
    if not bpy.app.version >= (5, 0, 0):
        user.use_nodes = True
    node = user.node_tree.nodes.new("ShaderNodeTexImage")
    node.image = first.image
    names = [uv.name for uv in trio[0].data.uv_layers]

    second = bakeview.pack_atlas(objects=trio, overwrite=True)

    assert second.image.name == "atlas" and bpy.data.images.get("atlas") == second.image
    assert node.image == second.image
    assert "atlas.001" not in bpy.data.images
    assert [uv.name for uv in trio[0].data.uv_layers] == names
    x, y, w, h = second.rects["A"]
    assert uvs_of(trio[0].data, "bakeview_atlas")[0] == pytest.approx(
        (x + 0.125 * w) / second.size[0], abs=1e-7)


# -- failure leaves nothing ------------------------------------------------------------------------


def test_a_failure_half_way_leaves_everything_as_it_was(trio, monkeypatch, tmp_path):
    before = snapshot()
    calls = []
    real = bakeview.atlas._set_uvs

    def failing(layer, values):
        calls.append(layer.name)
        if len(calls) == 2:
            raise RuntimeError("forced failure")
        real(layer, values)

    monkeypatch.setattr(bakeview.atlas, "_set_uvs", failing)
    with pytest.raises(RuntimeError, match="forced failure"):
        bakeview.pack_atlas(path=str(tmp_path / "atlas.png"))

    assert len(calls) == 2
    assert snapshot() == before
    assert os.listdir(tmp_path) == []


def test_a_failed_write_leaves_nothing_and_gives_rewritten_uvs_back(trio, monkeypatch, tmp_path):
    bakeview.pack_atlas(name="first")
    kept = {obj.name: uvs_of(obj.data, "bakeview_atlas") for obj in trio}
    before = snapshot()

    def failing(*args):
        raise OSError("disk full")

    monkeypatch.setattr(bakeview.atlas, "_write_png", failing)
    with pytest.raises(OSError, match="disk full"):
        bakeview.pack_atlas(objects=trio[:2], overwrite=True, path=str(tmp_path / "atlas.png"))

    assert snapshot() == before
    for obj in trio:
        assert uvs_of(obj.data, "bakeview_atlas") == kept[obj.name]
    assert os.listdir(tmp_path) == []


# -- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, error, pattern", [
    ({"max_size": (32, 32)}, ValueError, r"do not fit one 32 x 32 atlas \(max_size\).*scale=1/2"),
    ({"max_size": (16, 16)}, ValueError, r"need about \d+ texels .*holds 256"),
    ({"size": (40, 20)}, ValueError, r"do not fit one 40 x 20 atlas \(size\)"),
    ({"kind": "NORMAL"}, ValueError, "no baked objects"),
    ({"objects": ["A", "B"], "kind": "NORMAL"}, ValueError, "'A' has no NORMAL bake"),
    ({"kind": "PAINT"}, ValueError, "kind must be one of"),
    ({"uv_map": "UVMap"}, ValueError, "the UV map the bake .* was made with"),
    ({"uv_map": ""}, ValueError, "uv_map"),
    ({"padding": -1}, ValueError, "padding"),
    ({"scale": 0.3}, ValueError, "scale must be"),
    ({"scale": 1 / 16}, ValueError, "does not divide the bake"),
    ({"heuristic": "WORST"}, ValueError, "heuristic"),
    ({"max_size": (0, 64)}, ValueError, "max_size"),
    ({"name": "A_DIFFUSE"}, ValueError, "name of its own"),
    ({"path": os.path.abspath(__file__) + "/atlas.png"}, OSError, "is a file, not a folder"),
    ({"path": "atlas.jpg"}, ValueError, r"\.png"),
    ({"objects": []}, ValueError, "empty"),
])
def test_bad_input_is_refused_and_changes_nothing(trio, kwargs, error, pattern):
    before = snapshot()
    with pytest.raises(error, match=pattern):
        bakeview.pack_atlas(**kwargs)
    assert snapshot() == before


def test_no_baked_objects_is_refused(make):
    make.plane("Plane")
    before = snapshot()
    with pytest.raises(ValueError, match="no baked objects"):
        bakeview.pack_atlas()
    with pytest.raises(ValueError, match="'Plane' has no bake"):
        bakeview.pack_atlas("Plane")
    assert snapshot() == before


def test_a_non_mesh_is_refused(trio, make):
    make.camera()
    before = snapshot()
    with pytest.raises(ValueError, match="'Camera' is a camera, not a mesh"):
        bakeview.pack_atlas(["A", "Camera"])
    assert snapshot() == before


def test_an_existing_uv_map_is_refused_without_overwrite(trio):
    trio[1].data.uv_layers.new(name="bakeview_atlas")
    before = snapshot()
    with pytest.raises(ValueError,
                       match="mesh 'B' .* already has a UV map 'bakeview_atlas'.*overwrite"):
        bakeview.pack_atlas()
    assert snapshot() == before


def test_an_existing_image_is_refused_without_overwrite(trio, make):
    make.texture("atlas", 4, 4)
    before = snapshot()
    with pytest.raises(ValueError, match="image named 'atlas' already exists"):
        bakeview.pack_atlas()
    assert snapshot() == before


def test_objects_sharing_a_mesh_with_different_bakes_are_refused(trio):
    twin = bpy.data.objects.new("A twin", trio[0].data)
    bpy.context.scene.collection.objects.link(twin)
    bakeview.bake(twin, kind="DIFFUSE", size=8, uv_map="UVMap")
    before = snapshot()
    with pytest.raises(ValueError, match="share the mesh 'A' but have different bakes"):
        bakeview.pack_atlas()
    assert snapshot() == before


def test_mixed_latest_kinds_need_a_kind(trio):
    bakeview.bake(trio[1], kind="ROUGHNESS", size=8, uv_map="UVMap")
    before = snapshot()
    with pytest.raises(ValueError, match="different kinds.*pass kind="):
        bakeview.pack_atlas()
    assert snapshot() == before
    assert bakeview.pack_atlas(kind="DIFFUSE").kind == "DIFFUSE"


def test_a_full_mesh_is_refused_before_anything_changes(trio):
    for i in range(7):
        trio[2].data.uv_layers.new(name=f"extra {i}")
    before = snapshot()
    with pytest.raises(ValueError, match="mesh 'C' .* 8 UV maps already"):
        bakeview.pack_atlas()
    assert snapshot() == before


# -- the PNG ---------------------------------------------------------------------------------------


def png_codes(path):
    """8-bit codes of a PNG, row 0 at the bottom, through Blender (a byte image's pixels are its
    stored values / 255)."""
    image = bpy.data.images.load(str(path))
    try:
        width, height = image.size
        values = array.array("f", bytes(4 * width * height * image.channels))
        image.pixels.foreach_get(values)
        return [round(v * 255) for v in values], (width, height), image.channels
    finally:
        bpy.data.images.remove(image)


def test_path_writes_the_atlas_png_srgb_for_colour_and_refuses_to_replace_it(trio, tmp_path):
    path = tmp_path / "atlas.png"

    result = bakeview.pack_atlas(path=str(path))

    assert result.files == [str(path), str(tmp_path / "atlas.json")]
    codes, size, channels = png_codes(path)
    assert size == result.size and channels == 4
    atlas = read(result.image)
    width, height = result.size
    for name, (x, y, w, h) in result.rects.items():
        for tx, ty in ((x, y), (x + w - 1, y + h - 1), (x + w // 2, y + h // 2)):
            i = 4 * ((height - 1 - ty) * width + tx)
            expected = [_core.linear_to_srgb8(v) for v in atlas[i:i + 3]]
            expected.append(round(atlas[i + 3] * 255))
            assert codes[i:i + 4] == expected, name

    before = path.read_bytes()
    state = snapshot()
    with pytest.raises(FileExistsError, match="overwrite"):
        bakeview.pack_atlas(path=str(path), uv_map="again", name="again")
    assert path.read_bytes() == before and snapshot() == state
    bakeview.pack_atlas(objects=trio[:2], path=str(path), overwrite=True)
    assert path.read_bytes() != before
    assert sorted(os.listdir(tmp_path)) == ["atlas.json", "atlas.png"]


def test_a_data_kind_png_is_linear(trio, tmp_path):
    bakeview.bake(list(trio), kind="UV", size=8, uv_map="UVMap")
    path = tmp_path / "uv"

    result = bakeview.pack_atlas(kind="UV", path=str(path), name="uv atlas")

    assert result.files == [str(path) + ".png", str(path) + ".json"]
    codes, _, _ = png_codes(result.files[0])
    atlas = read(result.image)
    width, height = result.size
    x, y, w, h = result.rects["C"]
    i = 4 * ((height - 1 - (y + 3)) * width + x + 5)
    assert codes[i:i + 2] == [int(atlas[i] * 255 + 0.5), int(atlas[i + 1] * 255 + 0.5)]
    assert atlas[i] == pytest.approx(5.5 / 8, abs=1e-3)  # the UV bake of texel 5 of 8
