"""bakeview's Godot 4 SpriteFrames (sprite_sheet(formats=("GODOT4",)), NAME.tres) read by the
documented grammar of Godot 4's text resources (godot_text_resource.py) and checked as Godot 4's
loader would take it: the header (SpriteFrames, format=3, load_steps = resources + 1), external
resources before internal ones before [resource], string ids declared once and before use, every
AtlasTexture's page, region and margin, and the animations (StringName names, frames as
{duration, texture} dictionaries, loop, speed) against the frame table. No Godot 4 runs here
(Debian has Godot 3 only), so this is the check short of loading it; test_godot_client.py loads
the Godot 3 file in a real Godot 3."""
import pytest

import bakeview
from conftest import turning
from godot_text_resource import Call, GrammarError, StringName, parse


def references(value):
    """Every ExtResource / SubResource call inside a value."""
    if isinstance(value, Call):
        if value.name in ("ExtResource", "SubResource"):
            yield value
        for arg in value.args:
            yield from references(arg)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from references(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from references(key)
            yield from references(item)


def check_resource(text):
    """The sections of a Godot 4 SpriteFrames file, after the checks Godot 4's loader makes."""
    sections = parse(text)
    (tag, header, properties), rest = sections[0], sections[1:]
    assert tag == "gd_resource" and not properties
    assert header["type"] == "SpriteFrames" and header["format"] == 3
    order = [t for t, _, _ in rest]
    assert order == sorted(order, key=["ext_resource", "sub_resource", "resource"].index)
    assert order.count("resource") == 1 and order[-1] == "resource"
    assert header["load_steps"] == len(rest)  # the resources and the file itself
    declared = {"ExtResource": {}, "SubResource": {}}
    for tag, fields, properties in rest:
        for call in references(properties):  # used only once declared above
            (key,) = call.args
            assert isinstance(key, str), f"format=3 ids are strings, got {call}"
            assert key in declared[call.name], f"{call} used before it is declared"
        if tag == "ext_resource":
            assert set(fields) == {"type", "path", "id"} and not properties
            assert fields["type"] == "Texture2D" and isinstance(fields["path"], str)
            assert fields["id"] not in declared["ExtResource"]
            declared["ExtResource"][fields["id"]] = fields
        elif tag == "sub_resource":
            assert set(fields) == {"type", "id"} and fields["type"] == "AtlasTexture"
            assert fields["id"] not in declared["SubResource"]
            assert set(properties) <= {"atlas", "region", "margin"}
            assert properties["atlas"].name == "ExtResource"
            for rect in ("region", "margin"):
                if rect in properties:
                    assert properties[rect].name == "Rect2" and len(properties[rect].args) == 4
            declared["SubResource"][fields["id"]] = properties
    return declared, rest[-1][2]


def test_godot4_sprite_frames_follow_the_grammar_and_the_frame_table(baked_cube, tmp_path):
    turning(baked_cube, 3, 5, 0.9)
    result = bakeview.sprite_sheet(baked_cube, views="COMPASS16", frame_size=(40, 32),
                                   frames=(1, 5, 2), max_size=(96, 96),
                                   path=str(tmp_path / "sheet.png"), formats=("GODOT4",))
    assert len(result.pages["COLOR"]) > 1 and any(f["alias_of"] for f in result.frames)
    declared, resource = check_resource((tmp_path / "sheet.tres").read_text(encoding="utf-8"))
    pages = {key: fields["path"] for key, fields in declared["ExtResource"].items()}
    assert sorted(pages.values()) == [f"sheet-{i}.png" for i in range(len(result.pages["COLOR"]))]

    animations = {}
    for f in result.frames:
        animations.setdefault(f["animation"], []).append(f)
    assert set(resource) == {"animations"}
    assert [a["name"] for a in resource["animations"]] == [StringName(n) for n in animations]
    for entry in resource["animations"]:
        assert set(entry) == {"frames", "loop", "name", "speed"}
        assert entry["loop"] is True and entry["speed"] == pytest.approx(result.frame_rate)
        members = animations[entry["name"].text]
        assert len(entry["frames"]) == len(members)
        for frame, f in zip(entry["frames"], members):
            assert set(frame) == {"duration", "texture"} and frame["duration"] == 1.0
            texture = declared["SubResource"][frame["texture"].args[0]]
            x, y, w, h = f["frame"]
            sx, sy, width, height = f["source"][:2] + f["source_size"][2:]
            assert pages[texture["atlas"].args[0]] == f"sheet-{f['page']}.png"
            assert texture["region"].args == (x, y, w, h)
            assert texture["margin"].args == (sx, sy, width - w, height - h)
    # identical frames share one AtlasTexture
    assert len(declared["SubResource"]) == len({f["alias_of"] or f["name"] for f in result.frames})


@pytest.mark.parametrize("text, message", [
    ('[gd_resource type="SpriteFrames" format=3]\n[resource]\nanimations = [{"a": 1}\n', "expected"),
    ('[gd_resource type="SpriteFrames" format=3]\n[resource]\nx = Rect3(1, 2)\n', "not a value"),
    ('[gd_resource type="SpriteFrames" format=3]\n[node name="x"]\n', "unknown heading"),
    ('[gd_resource format=3]\n[resource]\nx = "a\\q"\n', "bad escape"),
    ('[gd_resource format=3]\n[resource]\nx = 1\nx = 2\n', "given twice"),
    ('animations = []\n', "expected \\["),
])
def test_the_grammar_refuses_what_godot_refuses(text, message):
    with pytest.raises(GrammarError, match=message):
        parse(text)


def test_godot3_ids_are_refused_as_godot4_references():
    text = ('[gd_resource type="SpriteFrames" load_steps=3 format=3]\n\n'
            '[ext_resource type="Texture2D" path="a.png" id="1"]\n\n'
            '[sub_resource type="AtlasTexture" id="2"]\natlas = ExtResource( 1 )\n'
            'region = Rect2( 0, 0, 1, 1 )\n\n[resource]\nanimations = []\n')
    with pytest.raises(AssertionError, match="ids are strings"):
        check_resource(text)
