"""The command line's atlas: the bakes of many objects and files in one atlas PNG, its JSON, a
.blend with the new UV maps, and a .glb through Blender's glTF exporter, read back by Blender's
glTF importer and checked by the Khronos glTF Validator."""
import json
import os
import shutil
import struct
import subprocess

import bpy
import pytest

import bakeview
from bakeview import _core, cli, records
from conftest import files_in
from web_client import WEB, read_png

UV_MAP = "bakeview_atlas"


def validator():
    """node, with the npm package gltf-validator installed in tests/web at package.json's
    version; skips without node, fails when the package is missing."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (scripts/install-deps.sh --tests installs it)")
    with open(os.path.join(WEB, "package.json"), encoding="utf-8") as f:
        wanted = json.load(f)["dependencies"]["gltf-validator"]
    installed = os.path.join(WEB, "node_modules", "gltf-validator", "package.json")
    if not os.path.isfile(installed):
        pytest.fail(f"gltf-validator is not installed in {WEB}: run `npm ci` there")
    with open(installed, encoding="utf-8") as f:
        assert json.load(f)["version"] == wanted, f"run `npm ci` in {WEB}"
    return node


def validate(node, path):
    """The Khronos glTF Validator's report on the file."""
    done = subprocess.run([node, os.path.join(WEB, "validate_gltf.mjs"), str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def read_glb(path):
    """(glTF JSON, binary chunk) of a .glb file."""
    data = path.read_bytes()
    magic, version, length = struct.unpack("<4sII", data[:12])
    assert (magic, version, length) == (b"glTF", 2, len(data))
    chunks, pos = {}, 12
    while pos < length:
        size, kind = struct.unpack("<I4s", data[pos:pos + 8])
        chunks[kind] = data[pos + 8:pos + 8 + size]
        pos += 8 + size
    return json.loads(chunks[b"JSON"]), chunks[b"BIN\x00"]


def glb_image(gltf, binary, index=0):
    view = gltf["bufferViews"][gltf["images"][index]["bufferView"]]
    start = view.get("byteOffset", 0)
    return binary[start:start + view["byteLength"]]


def props_files(make, folder):
    """a.blend: One (a cube baked DIFFUSE, 16 px) and Two (a split plane of two materials, not
    baked); b.blend: Three (a plane, scaled, not baked). Textured, 8 x 8 each."""
    def textured(name, seed):
        return make.material(f"{name} m", base=make.texture(f"{name} t", 8, 8, seed=seed))

    bpy.ops.wm.read_factory_settings(use_empty=True)
    make.__init__()
    one = make.cube("One", materials=[textured("One", 1)])
    one.rotation_euler = (0.3, 0.2, 0.1)
    make.split_plane("Two", textured("Two left", 2), textured("Two right", 3), location=(3, 0, 0))
    bakeview.bake(one, size=16)
    bpy.ops.wm.save_as_mainfile(filepath=str(folder / "a.blend"))
    bpy.ops.wm.read_factory_settings(use_empty=True)
    make.__init__()
    three = make.plane("Three", materials=[textured("Three", 4)], location=(0, 3, 1))
    three.scale = (2.0, 1.0, 1.0)
    bpy.ops.wm.save_as_mainfile(filepath=str(folder / "b.blend"))
    bpy.ops.wm.read_factory_settings(use_empty=True)
    return [folder / "a.blend", folder / "b.blend"]


def import_glb(path):
    """Blender's glTF importer into an empty file. Debian's Blender 3.4 runs it with Debian's
    numpy 1.24, which no longer has the np.bool alias the 3.4 importer uses: it gets it back."""
    import numpy

    if "bool" not in vars(numpy):  # hasattr would warn
        numpy.bool = numpy.bool_
    bpy.ops.wm.read_factory_settings(use_empty=True)
    bpy.ops.import_scene.gltf(filepath=str(path))


def world_bounds(obj):
    corners = [obj.matrix_world @ v.co for v in obj.data.vertices]
    return [round(min(c[k] for c in corners), 4) for k in range(3)] + [
        round(max(c[k] for c in corners), 4) for k in range(3)]


def test_an_atlas_of_several_files_with_its_json_blend_and_glb(make, tmp_path, capsys):
    node = validator()
    blends = props_files(make, tmp_path)
    inputs = {b.name: b.read_bytes() for b in blends}
    out = tmp_path / "out"

    assert cli.run(["atlas", *map(str, blends), "--out", str(out), "--bake-size", "8",
                    "--padding", "2", "--glb"]) == 0

    printed = capsys.readouterr().out
    assert "baking 1 object(s), DIFFUSE" in printed  # Two, then Three; One has its bake
    assert printed.count("baking") == 2
    assert sorted(os.listdir(out)) == ["atlas.blend", "atlas.glb", "atlas.json", "atlas.png"]
    assert {b.name: b.read_bytes() for b in blends} == inputs  # the files read stay as they were

    # the JSON: every object, where it came from, its rect and UV transform
    data = json.loads((out / "atlas.json").read_text())
    assert data["image"] == "atlas.png" and data["kind"] == "DIFFUSE" and data["uv_map"] == UV_MAP
    assert {n: (e["file"], e["object"]) for n, e in data["objects"].items()} == {
        "One": (str(blends[0]), "One"), "Two": (str(blends[0]), "Two"),
        "Three": (str(blends[1]), "Three")}
    width, height = data["size"]["w"], data["size"]["h"]
    rects = {n: tuple(e["rect"][k] for k in "xywh") for n, e in data["objects"].items()}
    assert rects["One"][2:] == (16, 16) and rects["Two"][2:] == rects["Three"][2:] == (8, 8)

    # the .blend: the three objects with their new UV maps, as the JSON says; the atlas PNG
    # holds each bake, sRGB-encoded, in its rect
    png_width, png_height, codes = read_png(out / "atlas.png")
    assert (png_width, png_height) == (width, height)
    bpy.ops.wm.open_mainfile(filepath=str(out / "atlas.blend"))
    bounds = {}
    for name, entry in data["objects"].items():
        obj = bpy.data.objects[name]
        bounds[name] = world_bounds(obj)
        old = [c for d in obj.data.uv_layers[records.uv_map(obj)].data for c in d.uv]
        new = [c for d in obj.data.uv_layers[UV_MAP].data for c in d.uv]
        (su, sv), (ou, ov) = entry["uv"]["scale"], entry["uv"]["offset"]
        assert new == pytest.approx([c * s + o for c, s, o in zip(
            old, [su, sv] * (len(old) // 2), [ou, ov] * (len(old) // 2))], abs=1e-6)
        bake = records.baked_image(obj, "DIFFUSE")
        assert bake.name == entry["bake"]
        pixels, (w, h), (x, y, _, _) = list(bake.pixels), bake.size, rects[name]
        for j in range(h):
            for i in range(w):
                texel = pixels[4 * (j * w + i):4 * (j * w + i) + 4]
                at = 4 * ((y + h - 1 - j) * width + x + i)
                assert list(codes[at:at + 3]) == [_core.linear_to_srgb8(v) for v in texel[:3]]
    assert tuple(bpy.data.images["atlas"].size) == (width, height)

    # the .glb, as Blender's importer reads it: the meshes, one material drawing the atlas PNG,
    # every mesh's UVs inside its rect
    gltf, binary = read_glb(out / "atlas.glb")
    assert len(gltf["materials"]) == 1 and len(gltf["images"]) == 1
    assert glb_image(gltf, binary) == (out / "atlas.png").read_bytes()
    assert {p["material"] for m in gltf["meshes"] for p in m["primitives"]} == {0}
    import_glb(out / "atlas.glb")
    meshes = {o.name: o for o in bpy.data.objects if o.type == "MESH"}
    assert sorted(meshes) == ["One", "Three", "Two"]
    materials = {slot.material for o in meshes.values() for slot in o.material_slots}
    assert len(materials) == 1
    material = materials.pop()
    textures = [n for n in material.node_tree.nodes if n.type == "TEX_IMAGE"]
    assert len(textures) == 1 and tuple(textures[0].image.size) == (width, height)
    principled = next(n for n in material.node_tree.nodes if n.type == "BSDF_PRINCIPLED")
    assert principled.inputs["Base Color"].links[0].from_node == textures[0]
    for name, obj in meshes.items():
        x, y, w, h = rects[name]
        assert len(obj.data.uv_layers) == 1
        uvs = [c for d in obj.data.uv_layers[0].data for c in d.uv]
        assert x / width - 1e-6 <= min(uvs[0::2]) and max(uvs[0::2]) <= (x + w) / width + 1e-6
        assert 1 - (y + h) / height - 1e-6 <= min(uvs[1::2])
        assert max(uvs[1::2]) <= 1 - y / height + 1e-6
        assert world_bounds(obj) == pytest.approx(bounds[name], abs=1e-3)

    # and as the Khronos glTF Validator reads it
    report = validate(node, out / "atlas.glb")
    assert report["issues"]["numErrors"] == 0, report["issues"]["messages"]
    assert report["info"]["materialCount"] == 1 and report["info"]["maxUVs"] == 1


def test_the_sample_atlas_is_unlit_and_draws_the_files_bakes(sample_blend, tmp_path, capsys):
    """`./run sample`'s robot (a COMBINED bake: the light is in the texture) as an unlit glTF."""
    node = validator()
    out = tmp_path / "out"

    assert cli.run(["atlas", str(sample_blend), "--out", str(out), "--glb"]) == 0

    assert "baking" not in capsys.readouterr().out
    data = json.loads((out / "atlas.json").read_text())
    assert (data["kind"], data["encoding"]) == ("COMBINED", "SCENE")
    assert list(data["objects"]) == ["Robot"]
    assert data["objects"]["Robot"]["bake"] == "Robot_COMBINED"
    gltf, binary = read_glb(out / "atlas.glb")
    assert gltf["extensionsUsed"] == ["KHR_materials_unlit"]
    assert glb_image(gltf, binary) == (out / "atlas.png").read_bytes()
    assert "skins" not in gltf and "animations" not in gltf
    report = validate(node, out / "atlas.glb")
    assert report["issues"]["numErrors"] == 0, report["issues"]["messages"]
    import_glb(out / "atlas.glb")
    robot = bpy.data.objects["Robot"]
    tree = robot.material_slots[0].material.node_tree
    emission = next(n for n in tree.nodes if n.type == "EMISSION")  # the importer's unlit graph
    assert emission.inputs["Color"].links[0].from_node.type == "TEX_IMAGE"


def test_one_atlas_per_file_split_by_shards(make, tmp_path):
    blends = props_files(make, tmp_path)
    out = tmp_path / "out"
    common = ["atlas", *map(str, blends), "--out", str(out), "--per-file", "--bake-size", "8"]

    assert cli.run(common + ["--shard", "1/2"]) == 0
    assert sorted(os.listdir(out)) == ["b.blend", "b.json", "b.png"]
    assert cli.run(common + ["--shard", "0/2"]) == 0
    assert sorted(os.listdir(out)) == ["a.blend", "a.json", "a.png", "b.blend", "b.json", "b.png"]
    assert list(json.loads((out / "a.json").read_text())["objects"]) == ["One", "Two"]


def test_the_files_read_are_never_written(make, tmp_path, capsys):
    blends = props_files(make, tmp_path)
    out = tmp_path / "out"
    assert cli.run(["atlas", str(blends[0]), "--out", str(out), "--bake-size", "8"]) == 0
    before = files_in(str(out))

    assert cli.run(["atlas", str(out / "atlas.blend"), "--out", str(out), "--overwrite"]) == 1

    assert "atlas.blend is a file this run reads" in capsys.readouterr().err
    assert files_in(str(out)) == before


def test_existing_files_are_refused_before_any_work(make, tmp_path, capsys):
    blends = props_files(make, tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "atlas.glb").write_bytes(b"the user's")

    assert cli.run(["atlas", *map(str, blends), "--out", str(out), "--glb"]) == 1

    printed = capsys.readouterr()
    assert "baking" not in printed.out
    assert printed.err == (f"bakeview: error: {out / 'atlas.glb'} exists; pass --overwrite to "
                           "replace it\n")
    assert os.listdir(out) == ["atlas.glb"]


def test_a_failure_after_the_atlas_writes_nothing(make, tmp_path, monkeypatch, capsys):
    blends = props_files(make, tmp_path)

    def failing(*args):
        raise RuntimeError("Error: the exporter failed")

    monkeypatch.setattr(cli, "_export_glb", failing)
    assert cli.run(["atlas", *map(str, blends), "--out", str(tmp_path / "out"), "--glb",
                    "--bake-size", "8"]) == 1
    assert capsys.readouterr().err == "bakeview: error: the exporter failed\n"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("args, says", [
    (["--glb", "--kind", "NORMAL"], "--glb draws a colour atlas (DIFFUSE, COMBINED, GLOSSY, "
                                    "EMIT), not --kind NORMAL"),
    (["--max-size", "16"], "do not fit one 16 x 16 atlas (--max-size)"),
    (["--uv-map", "UVMap"], "--uv-map 'UVMap' is the UV map the bake of 'One' was made with"),
    (["--name", "a/b"], "--name 'a/b' cannot be a file name"),
])
def test_bad_input_names_the_flags(make, tmp_path, capsys, args, says):
    blends = props_files(make, tmp_path)
    assert cli.run(["atlas", *map(str, blends), "--out", str(tmp_path / "out"), "--bake-size",
                    "8", *args]) == 1
    err = capsys.readouterr().err
    assert err.startswith("bakeview: error: ") and err.count("\n") == 1 and says in err, err
    assert not (tmp_path / "out").exists()


def test_bakes_of_different_kinds_ask_for_kind(make, tmp_path, capsys):
    blends = props_files(make, tmp_path)
    bpy.ops.wm.open_mainfile(filepath=str(blends[1]))
    bakeview.bake(bpy.data.objects["Three"], kind="EMIT", size=8)
    bpy.ops.wm.save_as_mainfile(filepath=str(blends[1]))

    assert cli.run(["atlas", *map(str, blends), "--out", str(tmp_path / "out"),
                    "--bake-size", "8"]) == 1
    err = capsys.readouterr().err
    assert "latest bakes are of different kinds" in err and "pass --kind" in err, err


def test_help_documents_every_option(capsys):
    assert cli.run(["atlas", "--help"]) == 0
    text = capsys.readouterr().out
    for option in ("--out", "--objects", "--kind", "--rebake", "--bake-size", "--auto-uv",
                   "--name", "--per-file", "--size", "--max-size", "--padding", "--extrude",
                   "--power-of-two", "--no-power-of-two", "--square", "--scale", "--heuristic",
                   "--uv-map", "--colour", "--glb", "--overwrite", "--shard"):
        assert option in text
