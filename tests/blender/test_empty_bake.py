"""A DIFFUSE bake that comes out black because the material has no diffuse colour (metal, glass,
emission) says so, naming the material and the kind that holds it; bakes that are black because
the material is black, or that hold what the material shows, say nothing."""
import warnings

import bpy
import pytest

import bakeview
from conftest import BLENDER_4, BLENDER_5

# below this a linear value writes as 0 in an 8-bit sRGB file
BLACK = 0.5 / 255 / 12.92
COLOUR = (0.8, 0.5, 0.2, 1.0)


def principled_material(make, name, **inputs):
    """A Principled material (specular 0) with inputs by their Blender 3 names."""
    names = {"Transmission": "Transmission Weight", "Emission": "Emission Color"} if BLENDER_4 else {}
    material = make.material(name, base=inputs.pop("Base Color", COLOUR))
    bsdf = material.node_tree.nodes["Principled BSDF"]
    for key, value in inputs.items():
        bsdf.inputs[names.get(key, key)].default_value = value
    return material


def shader_material(name, *shaders):
    """A material whose surface is one shader, or an even mix of two, each given as
    (bl_idname, {input: value})."""
    material = bpy.data.materials.new(name)
    if not BLENDER_5:
        material.use_nodes = True
    tree = material.node_tree
    tree.nodes.remove(tree.nodes["Principled BSDF"])
    made = []
    for idname, inputs in shaders:
        node = tree.nodes.new(idname)
        for key, value in inputs.items():
            node.inputs[key].default_value = value
        made.append(node)
    surface = tree.nodes["Material Output"].inputs["Surface"]
    if len(made) == 1:
        tree.links.new(made[0].outputs[0], surface)
    else:
        mix = tree.nodes.new("ShaderNodeMixShader")
        mix.inputs["Fac"].default_value = 0.5
        tree.links.new(made[0].outputs[0], mix.inputs[1])
        tree.links.new(made[1].outputs[0], mix.inputs[2])
        tree.links.new(mix.outputs[0], surface)
    return material


def metal_map_material(make, name):
    """Metallic from an image texture that is 1 everywhere: only the pixels tell it is metal."""
    material = principled_material(make, name)
    tree = material.node_tree
    node = tree.nodes.new("ShaderNodeTexImage")
    node.image = make.texture(f"{name} metallic", 4, 4, pixels=[1.0] * 64)
    tree.links.new(node.outputs["Color"], tree.nodes["Principled BSDF"].inputs["Metallic"])
    return material


# name -> (how to make it, the kind the warning names, what the warning calls its surface)
BLACK_MATERIALS = {
    "metal": (lambda make: principled_material(make, "metal", Metallic=1.0), "COMBINED", "metal"),
    "metal map": (lambda make: metal_map_material(make, "metal map"), "COMBINED", "metal"),
    "glass": (lambda make: shader_material("glass", ("ShaderNodeBsdfGlass", {"Color": COLOUR})),
              "COMBINED", "glass"),
    "transmission": (lambda make: principled_material(make, "transmission", Transmission=1.0),
                     "COMBINED", "glass"),
    "glossy": (lambda make: shader_material("glossy", ("ShaderNodeBsdfGlossy", {"Color": COLOUR})),
               "COMBINED", "glossy"),
    "emission only": (lambda make: shader_material("emission only",
                                                   ("ShaderNodeEmission", {"Color": COLOUR})),
                      "EMIT", "emission"),
    "black base with emission": (lambda make: principled_material(
        make, "black base with emission", **{"Base Color": (0.0, 0.0, 0.0, 1.0),
                                             "Emission": COLOUR, "Emission Strength": 1.0}),
        "EMIT", "emission"),
    "background shader": (lambda make: shader_material("background shader",
                                                       ("ShaderNodeBackground", {"Color": COLOUR})),
                          "EMIT", "emission"),
    "glass and emission": (lambda make: shader_material(
        "glass and emission", ("ShaderNodeBsdfGlass", {"Color": COLOUR}),
        ("ShaderNodeEmission", {"Color": COLOUR})), "COMBINED", "glass and emission"),
}

QUIET_MATERIALS = {
    "diffuse colour": lambda make: principled_material(make, "diffuse colour"),
    "black plastic": lambda make: principled_material(make, "black plastic",
                                                      **{"Base Color": (0.0, 0.0, 0.0, 1.0)}),
    "half metal": lambda make: principled_material(make, "half metal", Metallic=0.5),
    "diffuse and emission": lambda make: shader_material(
        "diffuse and emission", ("ShaderNodeBsdfDiffuse", {"Color": COLOUR}),
        ("ShaderNodeEmission", {"Color": COLOUR})),
    "transparent": lambda make: shader_material("transparent",
                                                ("ShaderNodeBsdfTransparent", {"Color": COLOUR})),
}


def bake_recording(objects, **options):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        made = bakeview.bake(objects, size=8, margin=1, **options)
    return made, [str(w.message) for w in caught if "bakes black" in str(w.message)]


def max_colour(image):
    pixels = bakeview.pixels(image)
    return max(max(pixels[0::4]), max(pixels[1::4]), max(pixels[2::4]))


@pytest.mark.parametrize("case", sorted(BLACK_MATERIALS))
def test_diffuse_bake_of_a_material_without_diffuse_colour_names_it_and_the_kind_that_fits(
        make, case):
    build, kind, what = BLACK_MATERIALS[case]
    material = build(make)
    plane = make.plane("Plane", materials=[material])
    make.world(color=(1.0, 1.0, 1.0), strength=1.0)

    made, messages = bake_recording(plane)

    assert max_colour(made["Plane"]) < BLACK  # the bake is indeed black
    assert messages == [f"material '{case}' bakes black in the DIFFUSE bake of 'Plane': its surface "
                        f"is {what}, without diffuse colour; bake kind='{kind}' "
                        + ("for the colour it emits" if kind == "EMIT"
                           else "to see it lit by the scene's lights and world")]
    # the kind named holds what DIFFUSE missed, and says nothing
    made, messages = bake_recording(plane, kind=kind, samples=4, overwrite=True)
    assert max_colour(made["Plane"]) > 0.05 and messages == []


@pytest.mark.parametrize("case", sorted(QUIET_MATERIALS))
def test_diffuse_bake_holding_what_the_material_shows_says_nothing(make, case):
    plane = make.plane("Plane", materials=[QUIET_MATERIALS[case](make)])

    made, messages = bake_recording(plane)

    assert messages == []


@pytest.mark.parametrize("kind", ["EMIT", "COMBINED", "NORMAL", "ROUGHNESS"])
def test_other_kinds_of_a_metal_say_nothing(make, kind):
    plane = make.plane("Plane", materials=[principled_material(make, "metal", Metallic=1.0)])

    _, messages = bake_recording(plane, kind=kind, samples=1)

    assert messages == []


def test_the_material_without_diffuse_colour_is_named_on_an_object_with_others(make):
    """An emissive part beside a painted one: the bake is not black, the emissive half is."""
    painted = principled_material(make, "paint")
    light = shader_material("light", ("ShaderNodeEmission", {"Color": COLOUR}))
    panel = make.split_plane("Panel", painted, light)

    made, messages = bake_recording(panel)

    assert max_colour(made["Panel"]) > 0.5
    assert len(messages) == 1
    assert messages[0].startswith("material 'light' bakes black in the DIFFUSE bake of 'Panel'")
    assert "kind='EMIT'" in messages[0]


@pytest.mark.skipif(BLENDER_5, reason="materials always have nodes from Blender 5 on")
def test_a_metal_material_without_nodes_is_named_not_its_stand_in(make):
    material = bpy.data.materials.new("old metal")
    material.use_nodes = False
    material.metallic = 1.0
    plane = make.plane("Plane", materials=[material])

    made, messages = bake_recording(plane)

    assert max_colour(made["Plane"]) < BLACK
    assert len(messages) == 1 and messages[0].startswith("material 'old metal' bakes black")
    assert "kind='COMBINED'" in messages[0]


def test_the_warning_points_at_the_callers_line(make):
    plane = make.plane("Plane", materials=[principled_material(make, "metal", Metallic=1.0)])

    with pytest.warns(UserWarning, match="bakes black") as caught:
        bakeview.bake(plane, size=8)

    assert caught[0].filename == __file__


def test_the_bake_operator_reports_the_warning_in_the_ui(make, capfd):
    bakeview.register()
    try:
        plane = make.plane("Plane", materials=[shader_material(
            "lamp", ("ShaderNodeEmission", {"Color": COLOUR}))])
        plane.select_set(True)
        bpy.context.view_layer.objects.active = plane
        bpy.context.scene.bakeview.size = 8

        assert bpy.ops.bakeview.bake() == {"FINISHED"}
    finally:
        bakeview.unregister()
    out = capfd.readouterr().out
    assert "bakeview: material 'lamp' bakes black in the DIFFUSE bake of 'Plane'" in out
