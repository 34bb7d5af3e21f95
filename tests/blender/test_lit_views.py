"""Lit views through the public API: render_view and sprite_sheet with lighting= a light rig (in
world space, or turning with the camera), what they need, their errors, and the user's file as
it was. The scene's own lights (lighting="SCENE") and the figures against Cycles are in
test_scene_lighting.py and test_lit_fidelity.py."""
import math

import bpy
import pytest

import bakeview
from conftest import differences, forget, snapshot

SIZE = 24


def metal_sphere(make, roughness=0.25):
    """Blender's own UV sphere (welded, smooth, triangles at the poles): turned a quarter about z
    it is itself, so views around it see the same surface."""
    bpy.ops.mesh.primitive_uv_sphere_add(segments=32, ring_count=16, radius=1.0)
    sphere = bpy.context.active_object
    sphere.name = "Ball"
    bpy.ops.object.shade_smooth()
    sphere.data.materials.append(make.material("Ball metal", base=(0.8, 0.6, 0.3, 1.0),
                                               roughness=roughness, metallic=1.0))
    make.camera(location=(0.0, -6.0, 0.0), rotation=(math.pi / 2, 0.0, 0.0),
                orthographic_scale=2.4, resolution=(SIZE, SIZE))
    bakeview.bake(sphere, kind="MATERIAL", size=32)
    return sphere


def brightness(values, width, x0, x1, y0, y1):
    """Summed RGB over columns x0..x1 - 1 and rows y0..y1 - 1 (row 0 at the bottom)."""
    return sum(sum(values[4 * (r * width + c):4 * (r * width + c) + 3])
               for r in range(y0, y1) for c in range(x0, x1))


def test_a_rig_lights_the_side_of_the_sphere_that_faces_its_sun(make):
    metal_sphere(make, roughness=0.6)
    # the camera looks along +y; a sun shining towards -x lights the sphere's +x side (the right)
    rig = {"lights": [{"type": "SUN", "color": (3.0, 3.0, 3.0), "direction": (-1.0, 0.0, 0.0)}]}
    lit = bakeview.pixels(bakeview.render_view(lighting=rig))
    right = brightness(lit, SIZE, 15, 21, 9, 15)
    left = brightness(lit, SIZE, 3, 9, 9, 15)
    assert right > 20.0 * left


def test_lit_views_need_the_material_channels_and_say_how_to_get_them(make):
    plane = make.textured_plane()
    make.camera()
    bakeview.bake(plane, kind="DIFFUSE", size=8)
    with pytest.raises(ValueError, match=r"object 'Plane' has no BASE_COLOR, METALLIC, ROUGHNESS"):
        bakeview.render_view(lighting={"lights": []})
    bakeview.bake(plane, kind=("BASE_COLOR", "ROUGHNESS"), size=8)
    with pytest.raises(ValueError, match=r"has no METALLIC, SPECULAR, EMISSION, NORMAL bake, which "
                                         r"lit views need: bake it with bakeview.bake\(kind='MATERIAL'\)"):
        bakeview.render_view(lighting={"lights": []})
    with pytest.raises(ValueError, match="kind='DIFFUSE' in a lit view"):
        bakeview.render_view(lighting={"lights": []}, kind="DIFFUSE")


@pytest.mark.parametrize("lighting, error, words", [
    ("SUNNY", ValueError, "lighting must be one of BAKED, SCENE"),
    (3, TypeError, "lighting must be 'BAKED', 'SCENE' or a dict"),
    ({"lamps": []}, ValueError, "lighting has unknown keys ['lamps']"),
    ({"lights": [], "space": "OBJECT"}, ValueError, "lighting['space'] must be one of WORLD, CAMERA"),
    ({"lights": "sun"}, TypeError, "lighting['lights'] must be a list of light dicts"),
    ({"world": {"environment": "sky.hdr"}}, TypeError, "must be an Image or None"),
    ({"lights": [{"type": "SUN", "color": (1, 1, 1), "direction": (0, 0, math.nan)}]},
     ValueError, "light 0"),
])
def test_bad_lighting_is_refused_before_any_work_and_names_what_is_wrong(make, lighting, error,
                                                                         words):
    metal_sphere(make)
    before = snapshot()
    with pytest.raises(error) as caught:
        bakeview.render_view(lighting=lighting)
    assert words in str(caught.value)
    with pytest.raises(error):
        bakeview.sprite_sheet(views="COMPASS8", frame_size=(16, 16), lighting=lighting)
    assert differences(before, snapshot()) == []


def frame_crop(result, name):
    """The frame's pixels (untrimmed sheets: the whole frame) as a flat RGBA list."""
    frame = next(f for f in result.frames if f["name"] == name)
    page = result.pages["COLOR"][frame["page"]]
    values, (width, height) = bakeview.pixels(page), tuple(page.size)
    x, y, w, h = frame["frame"]
    out = []
    for row in range(h):  # frames are y down, pixels row 0 at the bottom
        r = height - 1 - (y + row)
        out.extend(values[4 * (r * width + x):4 * (r * width + x + w)])
    return out


def test_a_camera_space_rig_turns_with_every_view_of_a_sheet(make):
    sphere = metal_sphere(make, roughness=0.4)
    key = {"type": "SUN", "color": (3.0, 3.0, 3.0), "direction": (-0.5, -0.5, -1.0)}
    options = dict(views="COMPASS8:0", frame_size=(SIZE, SIZE), trim=False, dedupe=False)
    turning = bakeview.sprite_sheet(sphere, lighting={"lights": [key], "space": "CAMERA"},
                                    name="turning", **options)
    fixed = bakeview.sprite_sheet(sphere, lighting={"lights": [key], "space": "world"},
                                  name="fixed", **options)
    for result, alike in ((turning, True), (fixed, False)):
        crops = [frame_crop(result, name) for name in ("N", "E", "S", "W")]
        worst = max(max(abs(a - b) for a, b in zip(crops[0], c)) for c in crops[1:])
        if alike:
            assert worst < 0.02, "a camera-space rig lights every view of a sphere alike"
        else:
            assert worst > 0.2, "a world-space sun lights each compass view differently"


def test_a_lit_view_leaves_the_file_as_it_was_but_its_image(make):
    metal_sphere(make)
    before = snapshot()
    image = bakeview.render_view(lighting={"lights": [{"type": "SUN", "color": (1, 1, 1),
                                                       "direction": (0, 1, 0)}]})
    assert differences(forget(before), forget(snapshot(), images=[image.name])) == []


def box_on_ground(make):
    """A 2 m grey plane with a 0.6 m cube on it, seen from above (orthographic), under a grey
    world only: the plane beside the box sees less of the sky."""
    bpy.ops.mesh.primitive_plane_add(size=2.0)
    plane = bpy.context.active_object
    plane.data.materials.append(make.material("Ground", base=(0.8, 0.8, 0.8, 1.0), roughness=1.0))
    bpy.ops.mesh.primitive_cube_add(size=0.6, location=(0.0, 0.0, 0.3))
    box = bpy.context.active_object
    box.data.materials.append(make.material("Box", base=(0.8, 0.8, 0.8, 1.0), roughness=1.0))
    make.camera(location=(0.0, 0.0, 5.0), orthographic_scale=2.0, resolution=(SIZE, SIZE))
    return plane, box


def test_an_ao_bake_occludes_the_world_beside_the_box_as_cycles_does(make):
    plane, box = box_on_ground(make)
    bakeview.bake([plane, box], kind="MATERIAL", size=32)
    rig = {"lights": [], "world": {"color": (0.5, 0.5, 0.5)}}
    before = bakeview.pixels(bakeview.render_view(lighting=rig))
    bakeview.bake([plane, box], kind="AO", size=32, samples=64)
    after = bakeview.pixels(bakeview.render_view(lighting=rig))
    # texels of the plane just beside the box (x 0.35..0.5 m: columns 16..17 of 24 over 2 m)
    # and near the plane's corner, far from it
    near = brightness(after, SIZE, 16, 18, 11, 13) / brightness(before, SIZE, 16, 18, 11, 13)
    far = brightness(after, SIZE, 21, 23, 21, 23) / brightness(before, SIZE, 21, 23, 21, 23)
    # a wall beside a point hides a quarter or more of its cosine-weighted sky; far away ~none
    print(f"AO: beside the box x{near:.3f}, far from it x{far:.3f}")
    assert 0.5 < near < 0.8, near
    assert far > 0.93, far


@pytest.mark.parametrize("kind", ["AO", "INDIRECT"])
def test_a_bounce_bake_of_another_size_is_refused_naming_both_images(make, kind):
    plane, box = box_on_ground(make)
    bakeview.bake(plane, kind="MATERIAL", size=32)
    bakeview.bake(plane, kind=kind, size=16, samples=4)
    with pytest.raises(ValueError, match=rf"{kind} bake '.*' \(16 x 16\) differs in size from "
                                         rf"bake '.*' \(32 x 32\); bake {kind} at the size"):
        bakeview.render_view(objects=[plane], lighting={"lights": []})


def box_beside_lit_ground(make):
    """A 0.6 m grey box on a 4 m grey plane; a sun from -x (50 degrees from straight down)
    leaves the box's +x face in shade, lit only by the sunny ground beyond it; an orthographic
    camera looks at that face."""
    plane, box = box_on_ground(make)
    plane.scale = (2.0, 2.0, 1.0)
    make.world(color=(0.05, 0.05, 0.05))
    make.sun(strength=3.0, rotation=(0.0, math.radians(-50.0), 0.0))
    camera = make.camera(location=(4.0, 0.0, 0.3), rotation=(math.radians(90.0), 0.0,
                                                             math.radians(90.0)),
                         orthographic_scale=1.0, resolution=(SIZE, SIZE))
    return plane, box, camera


def test_an_indirect_bake_lights_a_shaded_face_with_the_ground_s_bounce_as_cycles_does(make):
    plane, box, camera = box_beside_lit_ground(make)
    scene = bpy.context.scene
    scene.cycles.samples, scene.cycles.use_denoising = 128, False
    render = bakeview.render_pixels(camera=camera, engine="CYCLES", images=False)
    face = lambda rgba: brightness(rgba, SIZE, 9, 15, 9, 15)  # noqa: E731 (the +x face's middle)
    cycles = face(render.pixels["COMBINED"])
    bakeview.bake([plane, box], kind="MATERIAL", size=32)
    without = face(bakeview.pixels(bakeview.render_view(camera=camera, lighting="SCENE")))
    bakeview.bake([plane, box], kind="INDIRECT", size=32, samples=64)
    with_bounce = face(bakeview.pixels(bakeview.render_view(camera=camera, lighting="SCENE")))
    print(f"shaded face: Cycles {cycles:.3f}, lit view {without:.3f}, with INDIRECT "
          f"{with_bounce:.3f}")
    assert without < 0.6 * cycles, "the ground's bounce is most of the shaded face's light"
    assert abs(with_bounce - cycles) < 0.15 * cycles
