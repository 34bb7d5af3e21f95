"""Bad input is refused with a TypeError or ValueError that says what is wrong, and the file is
left exactly as it was."""
import bpy
import pytest

import bakeview
from conftest import snapshot


@pytest.fixture
def scene(make):
    """Baked: plane 'Baked' (DIFFUSE). Not baked: plane 'Raw', plane 'NoUV' (no UV map).
    Others: 'Camera' (the scene camera), 'Empty', 'Lamp'."""
    baked = make.textured_plane("Baked")
    make.textured_plane("Raw", location=(3, 0, 0), seed=2)
    material = make.material("plain", base=(0.5, 0.5, 0.5, 1.0))
    make.plane("NoUV", uv=False, materials=[material], location=(0, 3, 0))
    make.camera(location=(0, 0, 8), orthographic_scale=8.0, resolution=(16, 16))
    make.empty("Empty")
    make.sun("Lamp")
    bakeview.bake([baked], size=8)
    return bpy.data.objects


def refused(call, exceptions, pattern):
    """Asserts `call` raises one of `exceptions` with a message matching `pattern`, and that the
    file is unchanged."""
    before = snapshot()
    with pytest.raises(exceptions, match=pattern):
        call()
    assert snapshot() == before


# -- bake ----------------------------------------------------------------------------------------

BAKE_CASES = {
    "camera object": (lambda o: bakeview.bake([o["Raw"], o["Camera"]], size=8),
                      ValueError, r"'Camera'.*not a mesh"),
    "empty object": (lambda o: bakeview.bake([o["Empty"]], size=8), ValueError, r"'Empty'.*not a mesh"),
    "light object": (lambda o: bakeview.bake(["Lamp"], size=8), ValueError, r"'Lamp'"),
    "size zero": (lambda o: bakeview.bake([o["Raw"]], size=0), ValueError, r"size"),
    "negative size": (lambda o: bakeview.bake([o["Raw"]], size=-5), ValueError, r"size"),
    "huge size": (lambda o: bakeview.bake([o["Raw"]], size=10**6), ValueError, r"size"),
    "zero height": (lambda o: bakeview.bake([o["Raw"]], size=(8, 0)), ValueError, r"size"),
    "size as text": (lambda o: bakeview.bake([o["Raw"]], size="big"), TypeError, r"size.*str"),
    "size as float": (lambda o: bakeview.bake([o["Raw"]], size=16.0), TypeError, r"size"),
    "size of three numbers": pytest.param(
        lambda o: bakeview.bake([o["Raw"]], size=(8, 8, 8)), (TypeError, ValueError), r"size"),
    "kind as number": (lambda o: bakeview.bake([o["Raw"]], kind=3, size=8),
                       (TypeError, ValueError), r"kind.*DIFFUSE"),
    "unknown kind": (lambda o: bakeview.bake([o["Raw"]], kind="SPARKLE", size=8),
                     ValueError, r"kind.*SPARKLE"),
    "objects as one unknown name": pytest.param(
        lambda o: bakeview.bake(objects="nonexistent", size=8), (TypeError, ValueError),
        r"nonexistent"),
    "unknown object name": (lambda o: bakeview.bake(["Raw", "Ghost"], size=8), ValueError, r"'Ghost'"),
    "objects as number": pytest.param(
        lambda o: bakeview.bake(objects=42, size=8), TypeError, r"objects"),
    "objects of wrong type": (lambda o: bakeview.bake([bpy.data.meshes["Raw"]], size=8),
                              TypeError, r"objects"),
    "no objects": (lambda o: bakeview.bake([], size=8), ValueError, r"empty"),
    "negative margin": (lambda o: bakeview.bake([o["Raw"]], size=8, margin=-1), ValueError, r"margin"),
    "zero samples": (lambda o: bakeview.bake([o["Raw"]], size=8, samples=0), ValueError, r"samples"),
    "samples as text": (lambda o: bakeview.bake([o["Raw"]], size=8, samples="4"),
                        (TypeError, ValueError), r"samples"),
    "object without uv map": (lambda o: bakeview.bake([o["Raw"], o["NoUV"]], size=8),
                              ValueError, r"'NoUV'.*auto_uv"),
    "unknown uv map": (lambda o: bakeview.bake([o["Raw"]], size=8, uv_map="Second"),
                       ValueError, r"'Raw'.*'Second'"),
    "existing image": (lambda o: bakeview.bake([o["Raw"], o["Baked"]], size=8),
                       ValueError, r"'Baked_DIFFUSE'.*overwrite"),
    "unknown name field": pytest.param(
        lambda o: bakeview.bake([o["Raw"]], size=8, name="{object}_{colour}"),
        (TypeError, ValueError), r"name|colour"),
    "unknown keyword": (lambda o: bakeview.bake([o["Raw"]], size=8, resolution=8), TypeError,
                        r"resolution"),
}


def cases(table):
    return [pytest.param(*(v.values if hasattr(v, "values") else v), id=k,
                         marks=getattr(v, "marks", ())) for k, v in table.items()]


@pytest.mark.parametrize("call, exceptions, pattern", cases(BAKE_CASES))
def test_bake_refuses_bad_input_and_changes_nothing(scene, call, exceptions, pattern):
    refused(lambda: call(scene), exceptions, pattern)


def test_bake_refuses_an_object_outside_the_view_layer(scene):
    loose = bpy.data.objects.new("Loose", bpy.data.meshes["Raw"])  # in no collection
    refused(lambda: bakeview.bake([loose], size=8), ValueError, r"'Loose'.*view layer")


def test_bake_refuses_edit_mode(scene):
    bpy.context.view_layer.objects.active = scene["Raw"]
    scene["Raw"].select_set(True)
    bpy.ops.object.mode_set(mode="EDIT")
    refused(lambda: bakeview.bake([scene["Raw"]], size=8), ValueError, r"Object Mode")
    bpy.ops.object.mode_set(mode="OBJECT")


def test_one_image_name_for_several_objects_never_loses_a_bake(scene):
    before = snapshot()
    try:
        made = bakeview.bake([scene["Raw"], scene["Baked"]], size=8, name="shared", overwrite=True)
    except ValueError as error:  # refusing is fine, if it says why and changes nothing
        assert "name" in str(error)
        assert snapshot() == before
        return
    alive = {}
    for name, image in made.items():
        try:
            alive[name] = image.name
        except ReferenceError:
            pytest.fail(f"the image bake() returned for '{name}' was deleted by the same call")
    assert alive["Raw"] != alive["Baked"], "both objects were given the same image"
    assert scene["Raw"]["bakeview_bakes"]["DIFFUSE"] == made["Raw"]
    assert scene["Baked"]["bakeview_bakes"]["DIFFUSE"] == made["Baked"]


# -- render_view ---------------------------------------------------------------------------------

VIEW_CASES = {
    "width zero": (lambda o: bakeview.render_view(width=0, height=8), ValueError, r"width"),
    "negative height": (lambda o: bakeview.render_view(width=8, height=-1), ValueError, r"height"),
    "huge width": (lambda o: bakeview.render_view(width=10**6, height=8), ValueError, r"width"),
    "width as text": (lambda o: bakeview.render_view(width="big", height=8), TypeError, r"width"),
    "bogus pass": (lambda o: bakeview.render_view(passes=("BOGUS",)), ValueError, r"BOGUS"),
    "no passes": (lambda o: bakeview.render_view(passes=()), ValueError, r"passes"),
    "never baked object": (lambda o: bakeview.render_view(objects=[o["Raw"]]), ValueError,
                           r"'Raw'.*bake"),
    "kind not baked": (lambda o: bakeview.render_view(objects=[o["Baked"]], kind="EMIT"),
                       ValueError, r"'Baked'.*EMIT"),
    "non-mesh object": (lambda o: bakeview.render_view(objects=[o["Baked"], o["Empty"]]),
                        ValueError, r"'Empty'.*not a mesh"),
    "objects as one unknown name": (
        lambda o: bakeview.render_view(objects="Ghost", name="view"), ValueError, r"'Ghost'"),
    "camera that is a mesh": (lambda o: bakeview.render_view(camera=o["Baked"]), ValueError,
                              r"'Baked'.*not a camera"),
    "unknown camera name": (lambda o: bakeview.render_view(camera="Nobody"), ValueError, r"'Nobody'"),
    "camera data instead of object": (lambda o: bakeview.render_view(camera=bpy.data.cameras[0]),
                                      TypeError, r"camera"),
    "existing image name": (lambda o: bakeview.render_view(name="Baked_DIFFUSE"), ValueError,
                            r"'Baked_DIFFUSE'.*overwrite"),
    "zero samples": (lambda o: bakeview.render_view(samples=0), ValueError, r"samples"),
    "unknown filter": (lambda o: bakeview.render_view(filter="BLURRY"), ValueError, r"BLURRY|filter"),
}


@pytest.mark.parametrize("call, exceptions, pattern", cases(VIEW_CASES))
def test_render_view_refuses_bad_input_and_changes_nothing(scene, call, exceptions, pattern):
    refused(lambda: call(scene), exceptions, pattern)


def test_render_view_takes_one_object_name(scene):
    image = bakeview.render_view(objects="Baked", name="one object", passes=("OBJECT_ID",))
    assert image.name == "one object"
    assert image["bakeview_object_ids"].to_dict() == {"Baked": 0}


def test_render_view_without_a_camera_is_refused(scene):
    bpy.context.scene.camera = None
    refused(lambda: bakeview.render_view(), ValueError, r"camera")


def test_render_view_with_nothing_baked_is_refused(make):
    make.textured_plane("Raw")
    make.camera()
    refused(lambda: bakeview.render_view(), ValueError, r"bake")


def test_pixels_of_a_non_image_is_refused(scene):
    refused(lambda: bakeview.pixels(scene["Baked"]), TypeError, r"Image")
