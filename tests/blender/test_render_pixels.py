"""bakeview.render_pixels: Blender's own render, its pixels in memory, against what Blender writes
for the same render (write_still to a 32-bit EXR or a PNG, loaded back), and the scene as it was
afterwards, also when the render fails."""
import array
import glob
import os
import subprocess

import bpy
import pytest

import bakeview
import bakeview.render
from conftest import BLENDER_5, _rna_state, _node_tree_state, differences, python_command, \
    snapshot

SIZE = (48, 32)


@pytest.fixture
def lit_cube(make):
    """A textured cube lit by a sun, with a sphere beside it, seen by a perspective camera;
    Cycles at 16 samples with a fixed seed, film transparent (partial alpha on the edges)."""
    material = make.material("Cube", base=make.texture("Cube", 8, 8, seed=3), roughness=0.3)
    cube = make.cube("Cube", size=1.5, materials=[material])
    cube.rotation_euler = (0.4, 0.2, 0.7)
    make.sphere("Ball", segments=16, rings=8, radius=0.6, location=(1.4, 0.3, 0.0))
    make.sun(rotation=(0.6, 0.2, 0.3))
    make.world(color=(0.2, 0.3, 0.4), strength=1.0)
    camera = make.camera(location=(0.5, -6.0, 2.0), rotation=(1.28, 0.0, 0.0), resolution=SIZE)
    scene = bpy.context.scene
    scene.render.engine = "CYCLES"
    scene.cycles.samples = 16
    scene.cycles.seed = 7
    scene.cycles.use_denoising = False
    scene.cycles.device = "CPU"
    scene.render.film_transparent = True
    return camera


def _written(scene, tmp_path, file_format, depth, name, **settings):
    """The pixels of the scene's render written by write_still and loaded back, as the seed's
    scripts do it: float RGBA for EXR, 8-bit codes / 255 for PNG."""
    out = scene.render.image_settings
    out.file_format = file_format
    out.color_depth = depth
    for key, value in settings.items():
        setattr(out, key, value)
    scene.render.filepath = str(tmp_path / name)
    bpy.ops.render.render(write_still=True)
    path = glob.glob(str(tmp_path / name) + "*")[0]
    image = bpy.data.images.load(path)
    values = array.array("f", bytes(16 * image.size[0] * image.size[1]))
    image.pixels.foreach_get(values)
    size = tuple(image.size)
    bpy.data.images.remove(image)
    return size, values


def _compositor(scene):
    """The scene's compositor as plain data: its tree or group, exactly."""
    if BLENDER_5:
        group = scene.compositing_node_group
        return (scene.render.use_compositing, group and group.name,
                _node_tree_state(group) if group else None)
    return (scene.render.use_compositing, scene.use_nodes,
            _node_tree_state(scene.node_tree) if scene.node_tree else None)


def _everything(scene):
    """snapshot(), plus what a render may touch: the scene's camera, every render setting (output
    format and path included), the view layers' passes and the compositor."""
    state = snapshot()
    state["camera"] = scene.camera and scene.camera.name
    state["render"] = _rna_state(scene.render, 2)
    state["view_layers"] = {v.name: _rna_state(v, 1, skip=("objects", "depsgraph"))
                            for v in scene.view_layers}
    state["compositor"] = _compositor(scene)
    state["images"].pop("Render Result", None)  # what the render itself shows
    state["data"]["images"] = [n for n in state["data"]["images"] if n != "Render Result"]
    return state


def _own_folders():
    return glob.glob("/dev/shm/bakeview-render-*") + glob.glob("/tmp/bakeview-render-*")


def test_combined_equals_write_still_to_a_32_bit_exr_loaded_back(lit_cube, tmp_path):
    scene = bpy.context.scene
    scene.view_settings.exposure = 1.5  # the view transform is the display's, not the EXR's
    got = bakeview.render_pixels(images=False)
    size, expected = _written(scene, tmp_path, "OPEN_EXR", "32", "still.exr", exr_codec="ZIP")
    assert (got.width, got.height) == size == SIZE
    assert got.channels["COMBINED"] == 4
    assert got.pixels["COMBINED"] == expected  # exactly, every value
    alpha = expected[3::4]
    assert min(alpha) == 0.0 and max(alpha) == 1.0 and any(0.0 < a < 1.0 for a in alpha)


def test_a_composited_scene_gives_the_composite_as_write_still_does(lit_cube, tmp_path):
    scene = bpy.context.scene
    if BLENDER_5:
        group = bpy.data.node_groups.new("Compositing", "CompositorNodeTree")
        group.interface.new_socket("Image", in_out="OUTPUT", socket_type="NodeSocketColor")
        layers = group.nodes.new("CompositorNodeRLayers")
        out = group.nodes.new("NodeGroupOutput")
        scene.compositing_node_group = group
        tree = group
    else:
        scene.use_nodes = True
        tree = scene.node_tree
        layers = next(n for n in tree.nodes if n.type == "R_LAYERS")
        out = next(n for n in tree.nodes if n.type == "COMPOSITE")
    invert = tree.nodes.new("CompositorNodeInvert")
    tree.links.new(layers.outputs["Image"], invert.inputs["Color"])
    tree.links.new(invert.outputs[0], out.inputs[0])
    before = _everything(scene)
    got = bakeview.render_pixels(images=False)
    assert differences(before, _everything(scene)) == []
    plain = bakeview.render_pixels(engine="CYCLES", images=False)  # the same render again
    assert plain.pixels == got.pixels
    _, expected = _written(scene, tmp_path, "OPEN_EXR", "32", "still.exr", exr_codec="ZIP")
    assert got.pixels["COMBINED"] == expected
    scene.render.use_compositing = False  # the inverted colours were the compositor's doing
    raw = bakeview.render_pixels(images=False).pixels["COMBINED"]
    assert raw != expected


def test_display_pixels_are_the_codes_of_the_png_write_still_writes(lit_cube, tmp_path):
    scene = bpy.context.scene
    scene.view_settings.exposure = 0.5  # the factory view transform (Filmic, AgX) and more
    got = bakeview.render_pixels(display=True)
    _, expected = _written(scene, tmp_path, "PNG", "8", "still.png", color_mode="RGBA")
    codes = [round(v * 255.0) for v in got.pixels["COMBINED"]]
    assert codes == [round(v * 255.0) for v in expected]
    assert got.images["COMBINED"].name == "Render combined"


def test_depth_and_normal_passes_are_blenders_own(make):
    """A plane square to an orthographic camera 4 units away: Blender's Z pass reads 4, its
    normal pass the plane's world normal; outside the plane, the passes' empty values."""
    plane = make.plane("Plane", size=2.0)
    plane.rotation_euler = (0.0, 0.0, 0.0)
    make.camera(location=(0.0, 0.0, 4.0), orthographic_scale=4.0, resolution=(16, 16))
    scene = bpy.context.scene
    scene.render.engine = "CYCLES"
    scene.cycles.samples = 1
    scene.cycles.use_denoising = False
    got = bakeview.render_pixels(passes=("COMBINED", "DEPTH", "NORMAL"), name="Probe")
    assert got.channels == {"COMBINED": 4, "DEPTH": 1, "NORMAL": 3}
    depth, normal = got.pixels["DEPTH"], got.pixels["NORMAL"]
    centre = 8 * 16 + 8
    assert depth[centre] == pytest.approx(4.0, abs=1e-4)
    assert tuple(normal[3 * centre:3 * centre + 3]) == pytest.approx((0.0, 0.0, 1.0), abs=1e-4)
    assert depth[0] > 1e9  # the corner sees nothing: Blender's "no surface" depth
    assert set(got.images) == {"COMBINED", "DEPTH", "NORMAL"}
    image = got.images["DEPTH"]
    assert image.name == "Probe depth" and image.colorspace_settings.name == "Non-Color"
    assert bpy.context.view_layer.use_pass_z is False  # turned on for the render only


def test_the_scene_is_as_it_was_and_nothing_is_left_behind(lit_cube, make):
    scene = bpy.context.scene
    other = make.camera("Other", location=(0.0, -6.0, 0.0), rotation=(1.5708, 0.0, 0.0),
                        resolution=SIZE)
    scene.camera = lit_cube
    scene.render.engine = "BLENDER_WORKBENCH"
    scene.render.filepath = "//renders/shot_####"
    scene.render.image_settings.file_format = "JPEG"
    before, folders = _everything(scene), _own_folders()
    got = bakeview.render_pixels(camera=other, engine="CYCLES", passes=("COMBINED", "NORMAL"))
    assert got.engine == "CYCLES"
    after = _everything(scene)
    for made in got.images.values():  # what the call made on purpose
        after["images"].pop(made.name)
        after["data"]["images"].remove(made.name)
    assert differences(before, after) == []
    assert _own_folders() == folders


def test_a_render_blender_refuses_gives_its_reason_and_changes_nothing(lit_cube):
    scene = bpy.context.scene
    scene.render.use_border = True  # an empty border: Blender refuses "Image too small"
    scene.render.border_min_x = scene.render.border_max_x = 0.5
    before, folders = _everything(scene), _own_folders()
    with pytest.raises(RuntimeError, match="Blender did not render scene 'Scene': Image too small"):
        bakeview.render_pixels(passes=("COMBINED", "DEPTH"))
    assert differences(before, _everything(scene)) == []
    assert _own_folders() == folders


def test_a_view_layer_not_used_for_rendering_is_refused(lit_cube):
    """Blender 3.4 crashes writing the render of a scene whose view layers are all off."""
    bpy.context.view_layer.use = False
    with pytest.raises(ValueError, match="view layer 'ViewLayer' is off for rendering"):
        bakeview.render_pixels()


@pytest.mark.skipif(BLENDER_5, reason="bpy 5.0's wheel has OpenImageDenoise")
def test_denoising_without_openimagedenoise_is_refused_with_blenders_reason(lit_cube):
    bpy.context.scene.cycles.use_denoising = True
    with pytest.raises(RuntimeError, match="OpenImageDenoise"):
        bakeview.render_pixels()


def test_a_failure_after_the_render_leaves_nothing_behind(lit_cube, monkeypatch):
    scene = bpy.context.scene
    before, folders = _everything(scene), _own_folders()

    def fail(path):
        assert os.path.exists(path)  # Blender wrote it: the failure is half way
        raise OSError("injected: the file could not be read")

    monkeypatch.setattr(bakeview.render.exr, "read", fail)
    with pytest.raises(OSError, match="injected"):
        bakeview.render_pixels(passes=("COMBINED", "NORMAL", "DEPTH"))
    assert differences(before, _everything(scene)) == []
    assert _own_folders() == folders


@pytest.mark.parametrize("arguments, error, words", [
    ({"engine": "PAINT"}, ValueError, "engine 'PAINT' is not a render engine"),
    ({"engine": 3}, TypeError, "engine must be a render engine's name"),
    ({"passes": ("COMBINED", "SHINY")}, ValueError, "SHINY"),
    ({"passes": ()}, ValueError, "passes is empty"),
    ({"passes": ("DEPTH",), "display": True}, ValueError, "display=True gives the COMBINED pass only"),
    ({"camera": "Cube"}, ValueError, "'Cube' is a mesh, not a camera"),
    ({"view_layer": "Nope"}, ValueError, "view_layer 'Nope' is not a view layer"),
    ({"scene": "Scene"}, TypeError, "scene must be a bpy.types.Scene"),
])
def test_bad_arguments_are_refused_before_any_render(lit_cube, arguments, error, words):
    before = _everything(bpy.context.scene)
    with pytest.raises(error, match=words):
        bakeview.render_pixels(**arguments)
    assert differences(before, _everything(bpy.context.scene)) == []


def test_a_scene_without_a_camera_is_refused(make):
    make.cube("Cube")
    with pytest.raises(ValueError, match="has no camera"):
        bakeview.render_pixels()


@pytest.mark.parametrize("engine", ["WORKBENCH", "EEVEE"])
def test_gpu_engines_render_in_background_mode_as_write_still_does(lit_cube, tmp_path, engine):
    scene = bpy.context.scene
    got = bakeview.render_pixels(engine=engine, images=False)
    assert got.engine == bakeview.render.engine_id(engine)
    scene.render.engine = got.engine
    _, expected = _written(scene, tmp_path, "OPEN_EXR", "32", "still.exr", exr_codec="ZIP")
    assert got.pixels["COMBINED"] == expected
    assert max(got.pixels["COMBINED"][3::4]) > 0.99  # the cube is there


def test_without_a_gpu_context_eevee_is_refused_clearly_instead_of_aborting(tmp_path):
    """Blender aborts the whole process when EEVEE cannot make a GPU context; bakeview asks a
    child process first. No EGL vendor and no display: no context can be made."""
    script = tmp_path / "eevee.py"
    script.write_text(
        "import sys, bpy\n"
        "sys.path.insert(0, %r)\n"
        "import bakeview\n"
        "try:\n"
        "    bakeview.render_pixels(engine='EEVEE')\n"
        "except RuntimeError as error:\n"
        "    print('REFUSED:', error)\n" % os.path.join(os.environ["BAKEVIEW_BUILD"], "python"))
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["__EGL_VENDOR_LIBRARY_FILENAMES"] = str(tmp_path / "no-vendor.json")
    done = subprocess.run(python_command(str(script)), capture_output=True, text=True, env=env,
                          timeout=300, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "REFUSED: BLENDER_EEVEE needs a GPU context" in done.stdout
    assert "xvfb-run" in done.stdout
