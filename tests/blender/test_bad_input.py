"""Bad input is refused with a TypeError or ValueError that says what is wrong, and the file is
left exactly as it was."""
import os
import tempfile

import bpy
import pytest

import bakeview
from conftest import _Proxy, snapshot


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


# -- objects, images and cameras deleted between calls -------------------------------------------


def delete_bake(o):
    bpy.data.images.remove(bpy.data.images["Baked_DIFFUSE"])


def delete(name):
    """Removes an object; the test keeps the stale reference."""
    def remove(o):
        stale = o[name]
        bpy.data.objects.remove(stale)
        return stale
    return remove


def delete_image(o):
    stale = bpy.data.images["Baked_DIFFUSE"]
    bpy.data.images.remove(stale)
    return stale


DELETED = r"'Baked'.*DIFFUSE bake image 'Baked_DIFFUSE' has been deleted.*bake it again"
REMOVED = r"removed"  # Blender's ReferenceError: "StructRNA of type Object has been removed"

DELETED_CASES = {  # (made before the snapshot, the call given what it returned, errors, pattern)
    "render_view of a deleted bake": (
        delete_bake, lambda o, _: bakeview.render_view(objects=[o["Baked"]]), ValueError, DELETED),
    "render_view of every object, one bake deleted": (
        delete_bake, lambda o, _: bakeview.render_view(), ValueError, DELETED),
    "render_view of a deleted bake, by kind": (
        delete_bake, lambda o, _: bakeview.render_view(objects="Baked", kind="DIFFUSE"), ValueError,
        DELETED),
    "sprite_sheet of a deleted bake": (
        delete_bake, lambda o, _: bakeview.sprite_sheet(["Baked"], frame_size=(8, 8)), ValueError,
        DELETED),
    "sprite_sheet of every object, one bake deleted": (
        delete_bake, lambda o, _: bakeview.sprite_sheet(frame_size=(8, 8)), ValueError, DELETED),
    "pack_atlas of a deleted bake": (
        delete_bake, lambda o, _: bakeview.pack_atlas(["Baked"]), ValueError, DELETED),
    "bake a deleted object": (
        delete("Raw"), lambda o, stale: bakeview.bake([stale], size=8), ReferenceError, REMOVED),
    "render_view of a deleted object": (
        delete("Baked"), lambda o, stale: bakeview.render_view(objects=[stale]), ReferenceError,
        REMOVED),
    "sprite_sheet of a deleted object": (
        delete("Baked"), lambda o, stale: bakeview.sprite_sheet(stale, frame_size=(8, 8)),
        ReferenceError, REMOVED),
    "pack_atlas of a deleted object": (
        delete("Baked"), lambda o, stale: bakeview.pack_atlas([stale]), ReferenceError, REMOVED),
    "render_view through a deleted camera": (
        delete("Camera"), lambda o, stale: bakeview.render_view(camera=stale), ReferenceError,
        REMOVED),
    "render_view after the scene camera was deleted": (
        delete("Camera"), lambda o, _: bakeview.render_view(), ValueError, r"no camera"),
    "sprite_sheet through a deleted camera": (
        delete("Camera"),
        lambda o, stale: bakeview.sprite_sheet(["Baked"], views=[stale], frame_size=(8, 8)),
        ReferenceError, REMOVED),
    "pixels of a deleted image": (
        delete_image, lambda o, stale: bakeview.pixels(stale), ReferenceError, REMOVED),
}


@pytest.mark.parametrize("setup, call, exceptions, pattern",
                         [pytest.param(*v, id=k) for k, v in DELETED_CASES.items()])
def test_what_was_deleted_between_calls_is_refused_and_changes_nothing(scene, setup, call,
                                                                        exceptions, pattern):
    kept = setup(scene)
    refused(lambda: call(scene, kept), exceptions, pattern)


# -- sizes nobody has the memory for, and transforms with NaN --------------------------------------


@pytest.fixture
def no_work(monkeypatch):
    """Fails the test if bakeview reads a bake's pixels or renders anything."""
    import bakeview.sheet
    import bakeview.textures
    import bakeview.view

    def allocating(*args, **kwargs):
        pytest.fail("bakeview started the work before refusing")

    monkeypatch.setattr(bakeview.textures, "texture", allocating)
    for module in (bakeview.view, bakeview.sheet):
        monkeypatch.setattr(module, "_core", _Proxy(module._core, render=allocating))


HUGE_CASES = {
    "render_view 100000 x 100000": (
        lambda o: bakeview.render_view(width=100000, height=100000), ValueError, r"width.*100000"),
    "render_view 100000 high": (
        lambda o: bakeview.render_view(width=8, height=100000), ValueError, r"height.*100000"),
    "sprite_sheet frames of 100000 x 100000": (
        lambda o: bakeview.sprite_sheet("Baked", frame_size=(100000, 100000)), ValueError,
        r"frame width.*16384.*100000"),
    "sprite_sheet pages of up to a million pixels a side": (
        lambda o: bakeview.sprite_sheet("Baked", frame_size=(8, 8), max_size=(10**6, 10**6)),
        ValueError, r"max_size.*1000000"),
    "sprite_sheet pages of 2^31 pixels a side": (
        lambda o: bakeview.sprite_sheet("Baked", frame_size=(8, 8), max_size=(2**31, 8)),
        ValueError, r"max_size"),
    "pack_atlas of up to a million texels a side": (
        lambda o: bakeview.pack_atlas("Baked", max_size=10**6), ValueError, r"max_size.*1000000"),
}


@pytest.mark.parametrize("call, exceptions, pattern", cases(HUGE_CASES))
def test_huge_sizes_are_refused_before_any_work(scene, no_work, call, exceptions, pattern):
    refused(lambda: call(scene), exceptions, pattern)


def not_finite(name, what="scale"):
    def spoil(o):
        setattr(o[name], what, (1.0, float("nan"), 1.0))
    return spoil


def child_of_not_finite(o):
    o["Baked"].parent = o["Empty"]
    o["Empty"].scale = (float("nan"),) * 3


NAN = r"'{}' has a NaN or infinite value in its transform"

NAN_CASES = {
    "render_view of an object scaled by NaN": (
        not_finite("Baked"), lambda o: bakeview.render_view(objects=["Baked"]), ValueError,
        NAN.format("Baked")),
    "render_view of an object placed at NaN": (
        not_finite("Baked", "location"), lambda o: bakeview.render_view(objects=["Baked"]),
        ValueError, NAN.format("Baked")),
    "render_view of the child of an object scaled by NaN": (
        child_of_not_finite, lambda o: bakeview.render_view(objects=["Baked"]), ValueError,
        NAN.format("Baked")),
    "render_view through a camera scaled by NaN": (
        not_finite("Camera"), lambda o: bakeview.render_view(objects=["Baked"]), ValueError,
        NAN.format("Camera")),
    "sprite_sheet of an object scaled by NaN": (
        not_finite("Baked"), lambda o: bakeview.sprite_sheet("Baked", frame_size=(8, 8)),
        ValueError, NAN.format("Baked")),
    "sprite_sheet through a camera scaled by NaN": (
        not_finite("Camera"),
        lambda o: bakeview.sprite_sheet("Baked", views=[o["Camera"]], frame_size=(8, 8)),
        ValueError, NAN.format("Camera")),
}


@pytest.mark.parametrize("setup, call, exceptions, pattern",
                         [pytest.param(*v, id=k) for k, v in NAN_CASES.items()])
def test_transforms_with_nan_are_refused_naming_the_object(scene, setup, call, exceptions,
                                                            pattern):
    setup(scene)
    bpy.context.view_layer.update()
    refused(lambda: call(scene), exceptions, pattern)


# -- output folders --------------------------------------------------------------------------------


@pytest.fixture
def unwritable(tmp_path):
    """A folder nobody may write to: read-only permissions, or for root (whom permissions do not
    stop) a kernel file system that takes no new files."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        candidates = [str(folder), "/sys", "/proc"]
        for candidate in candidates:
            try:
                with tempfile.TemporaryFile(dir=candidate):
                    pass
            except OSError:
                yield candidate
                return
        pytest.skip("no folder here refuses new files")
    finally:
        folder.chmod(0o755)


def folder_cases():
    a_file = lambda tmp, _: os.path.join(str(tmp), "notes.txt", "sheet.png")  # noqa: E731
    under_a_file = lambda tmp, _: os.path.join(str(tmp), "notes.txt", "sub", "sheet.png")  # noqa: E731
    locked = lambda tmp, folder: os.path.join(folder, "sheet.png")  # noqa: E731
    under_locked = lambda tmp, folder: os.path.join(folder, "sub", "sheet.png")  # noqa: E731
    calls = {
        "sprite_sheet": lambda path: bakeview.sprite_sheet("Baked", frame_size=(8, 8), path=path),
        "pack_atlas": lambda path: bakeview.pack_atlas("Baked", path=path),
    }
    folders = {"a file as the folder": (a_file, r"notes.txt is a file, not a folder"),
               "a folder to make under a file": (under_a_file, r"notes.txt is a file, not a folder"),
               "an unwritable folder": (locked, r"not writable"),
               "a folder to make in an unwritable one": (under_locked, r"not writable")}
    return [pytest.param(call, where, pattern, id=f"{name} into {what}")
            for name, call in calls.items() for what, (where, pattern) in folders.items()]


@pytest.mark.parametrize("call, where, pattern", folder_cases())
def test_output_folders_that_take_no_files_are_refused_before_any_work(
        scene, tmp_path, request, call, where, pattern):
    (tmp_path / "notes.txt").write_bytes(b"the user's")
    folder = request.getfixturevalue("unwritable") if "not writable" in pattern else str(tmp_path)
    path = where(tmp_path, folder)
    listed = sorted(os.listdir(folder))
    refused(lambda: call(path), OSError, pattern)
    assert sorted(os.listdir(folder)) == listed
    assert (tmp_path / "notes.txt").read_bytes() == b"the user's"


# -- wrong types for every argument ----------------------------------------------------------------

SHEET_ARGUMENTS = {  # argument: (a value of a wrong type, the error, what its message says)
    "objects": (42, TypeError, r"objects.*int"),
    "views": (42, TypeError, r"views.*42"),
    "views as a list of names": (["Camera"], TypeError, r"views: each view.*'Camera'"),
    "views with a NaN angle": ([(float("nan"), 0.0)], ValueError, r"views: an angle.*nan"),
    "frame_size": ("big", TypeError, r"frame_size.*'big'"),
    "frame_size of floats": ((8.0, 8.0), TypeError, r"frame_size"),
    "path": (42, TypeError, r"path.*42"),
    "frames": ("all", ValueError, r"frames.*'all'"),
    "projection": (3, TypeError, r"projection.*ORTHOGRAPHIC"),
    "margin": ("x", TypeError, r"margin.*'x'"),
    "pixels_per_unit": ("x", TypeError, r"pixels_per_unit.*'x'"),
    "kind": (3, (TypeError, ValueError), r"kind.*DIFFUSE.*3"),
    "passes": (42, TypeError, r"passes.*42"),
    "passes with a number": (("COLOR", 4), TypeError, r"passes"),
    "samples": ("4", (TypeError, ValueError), r"samples.*'4'"),
    "filter": (3, TypeError, r"filter.*BLACKMAN_HARRIS"),
    "filter_width": ("x", TypeError, r"filter_width.*'x'"),
    "trim": ("no", TypeError, r"trim.*True or False.*'no'"),
    "alpha_threshold": ("x", TypeError, r"alpha_threshold.*'x'"),
    "shape_padding": ("2", TypeError, r"shape_padding.*'2'"),
    "border_padding": (2.5, TypeError, r"border_padding.*2.5"),
    "extrude": ("1", TypeError, r"extrude.*'1'"),
    "layout": (3, TypeError, r"layout.*MAXRECTS"),
    "heuristic": (3, TypeError, r"heuristic.*BSSF"),
    "max_size": (4096, TypeError, r"max_size.*4096"),
    "power_of_two": ("no", TypeError, r"power_of_two.*True or False"),
    "square": ("no", TypeError, r"square.*True or False"),
    "allow_rotation": ("no", TypeError, r"allow_rotation.*True or False"),
    "dedupe": ("no", TypeError, r"dedupe.*True or False"),
    "premultiplied": ("no", TypeError, r"premultiplied.*True or False"),
    "json_form": (3, TypeError, r"json_form.*HASH"),
    "name": (3, TypeError, r"name.*3"),
    "overwrite": ("no", TypeError, r"overwrite.*True or False"),
    "threads": ("x", TypeError, r"threads.*'x'"),
    "scene": ("Scene", TypeError, r"scene.*Scene"),
    "grid_columns": ("x", TypeError, r"grid_columns.*'x'"),
    "actions": (42, TypeError, r"actions.*42"),
    "action_target": (42, TypeError, r"action_target"),
}

ATLAS_ARGUMENTS = {
    "objects": (42, TypeError, r"objects.*int"),
    "kind": (3, (TypeError, ValueError), r"kind.*DIFFUSE.*3"),
    "size": ("big", (TypeError, ValueError), r"size.*'big'"),
    "padding": ("4", (TypeError, ValueError), r"padding.*'4'"),
    "max_size": ("big", (TypeError, ValueError), r"max_size.*'big'"),
    "power_of_two": ("no", TypeError, r"power_of_two.*True or False"),
    "square": ("no", TypeError, r"square.*True or False"),
    "uv_map": (3, (TypeError, ValueError), r"uv_map.*3"),
    "name": (3, (TypeError, ValueError), r"name.*3"),
    "path": (42, TypeError, r"path.*42"),
    "overwrite": ("no", TypeError, r"overwrite.*True or False"),
    "heuristic": (3, (TypeError, ValueError), r"heuristic.*BSSF"),
    "extrude": ("2", (TypeError, ValueError), r"extrude.*'2'"),
    "scene": ("Scene", TypeError, r"scene.*Scene"),
    "scale": ("half", (TypeError, ValueError), r"scale.*'half'"),
}


def argument_cases(function, table, **required):
    out = []
    for case, (value, exceptions, pattern) in table.items():
        argument = case.split(" ")[0]

        def call(o, argument=argument, value=value):
            return getattr(bakeview, function)(**{**required, argument: value})

        out.append(pytest.param(call, exceptions, pattern, id=f"{case} = {value!r}"))
    return out


@pytest.mark.parametrize("call, exceptions, pattern", argument_cases(
    "sprite_sheet", SHEET_ARGUMENTS, objects=["Baked"], frame_size=(8, 8)))
def test_sprite_sheet_refuses_a_wrong_type_for_any_argument_and_changes_nothing(
        scene, no_work, call, exceptions, pattern):
    refused(lambda: call(scene), exceptions, pattern)


@pytest.mark.parametrize("call, exceptions, pattern", argument_cases(
    "pack_atlas", ATLAS_ARGUMENTS, objects=["Baked"]))
def test_pack_atlas_refuses_a_wrong_type_for_any_argument_and_changes_nothing(
        scene, call, exceptions, pattern):
    refused(lambda: call(scene), exceptions, pattern)
