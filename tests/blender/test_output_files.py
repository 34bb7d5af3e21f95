"""The files sprite_sheet and pack_atlas write follow one rule: every file a call would write is
checked before any work and refused if it exists (unless overwrite=True), whatever its kind; a
missing output folder is made, parents too, when the files are written, and removed again if
the call fails; `path` naming a folder writes NAME.png inside it."""
import json
import os

import bpy
import pytest

import bakeview
import bakeview.atlas
import bakeview.sheet
from conftest import files_in, snapshot


class Renders:
    """Counts the core renders sprite_sheet starts: zero means the call did no work."""

    def __init__(self, monkeypatch):
        self.count = 0
        core = bakeview.sheet._core
        real = core.render

        class Counting:
            def __getattr__(_, name):
                return getattr(core, name)

            def render(_, *args, **kwargs):
                self.count += 1
                return real(*args, **kwargs)

        monkeypatch.setattr(bakeview.sheet, "_core", Counting())


SEVERAL_PAGES = dict(views="TURNTABLE:12", frame_size=(16, 16), max_size=(40, 40), trim=False,
                     dedupe=False, passes=("COLOR", "NORMAL"))  # 4 frames a page


def test_the_several_pages_sheet_writes_every_kind_of_file(baked_cube, tmp_path):
    """The sheet the next test checks file by file: pages, companions, their JSON, multi-pack."""
    result = bakeview.sprite_sheet(baked_cube, path=str(tmp_path / "hero.png"), **SEVERAL_PAGES)
    pages = len(result.pages["COLOR"])
    assert pages == 3
    assert sorted(os.listdir(tmp_path)) == sorted(
        [f"hero-{i}.png" for i in range(pages)] + [f"hero-normal-{i}.png" for i in range(pages)]
        + [f"hero-{i}.json" for i in range(pages)] + ["hero.json"])


@pytest.mark.parametrize("existing", [
    "hero.png",           # the PNG of a one-page sheet, and the name `path` gives
    "hero-normal.png",    # a companion sheet of one page
    "hero-2.png",         # a later page
    "hero-normal-1.png",  # a companion page
    "hero-0.json",        # a page's own JSON
    "hero.json",          # one page's JSON, several pages' multi-pack JSON
])
def test_every_file_a_sheet_may_write_is_refused_before_any_work(baked_cube, tmp_path,
                                                                 monkeypatch, existing):
    (tmp_path / existing).write_bytes(b"the user's")
    renders = Renders(monkeypatch)

    with pytest.raises(FileExistsError, match=rf"{existing} exists.*overwrite=True"):
        bakeview.sprite_sheet(baked_cube, path=str(tmp_path / "hero.png"), **SEVERAL_PAGES)

    assert renders.count == 0
    assert os.listdir(tmp_path) == [existing]
    assert (tmp_path / existing).read_bytes() == b"the user's"
    result = bakeview.sprite_sheet(baked_cube, path=str(tmp_path / "hero.png"), overwrite=True,
                                   **SEVERAL_PAGES)
    if str(tmp_path / existing) in result.files:
        assert (tmp_path / existing).read_bytes() != b"the user's"
    else:  # a one-page name, which a sheet of several pages does not write: it stays
        assert existing in ("hero.png", "hero-normal.png")


def test_a_file_of_another_sheet_in_the_folder_is_not_in_the_way(baked_cube, tmp_path):
    for name in ("hero-sword.png", "hero-x.json", "heroes.png", "hero-depth-0.png"):
        (tmp_path / name).write_bytes(b"the user's")
    bakeview.sprite_sheet(baked_cube, views="COMPASS8", frame_size=(32, 32),
                          path=str(tmp_path / "hero.png"))
    assert (tmp_path / "hero.png").is_file()


@pytest.mark.parametrize("existing", ["atlas.png", "atlas.json"])
def test_every_file_an_atlas_writes_is_refused_before_any_work(make, tmp_path, existing):
    make.textured_plane("A")
    bakeview.bake(bpy.data.objects["A"], size=8)
    (tmp_path / existing).write_bytes(b"the user's")
    before = snapshot()

    with pytest.raises(FileExistsError, match=rf"{existing} exists.*overwrite=True"):
        bakeview.pack_atlas(path=str(tmp_path / "atlas.png"))

    assert snapshot() == before
    assert os.listdir(tmp_path) == [existing]
    result = bakeview.pack_atlas(path=str(tmp_path / "atlas.png"), overwrite=True)
    assert result.files == [str(tmp_path / "atlas.png"), str(tmp_path / "atlas.json")]
    assert (tmp_path / existing).read_bytes() != b"the user's"


def test_missing_output_folders_are_made_parents_too(baked_cube, tmp_path):
    sheet = bakeview.sprite_sheet(baked_cube, views="COMPASS8", frame_size=(32, 32),
                                  path=str(tmp_path / "a" / "b" / "hero.png"))
    atlas = bakeview.pack_atlas(path=str(tmp_path / "c" / "d" / "atlas.png"))

    assert sheet.files == [str(tmp_path / "a" / "b" / n) for n in ("hero.png", "hero.json")]
    assert sorted(os.listdir(tmp_path / "a" / "b")) == ["hero.json", "hero.png"]
    assert sorted(os.listdir(tmp_path / "c" / "d")) == ["atlas.json", "atlas.png"]
    meta = json.loads((tmp_path / "a" / "b" / "hero.json").read_text())["meta"]
    assert meta["image"] == "hero.png"


def test_a_call_that_fails_leaves_no_folder_it_made(baked_cube, tmp_path, monkeypatch):
    (tmp_path / "notes.txt").write_bytes(b"the user's")
    before = files_in(str(tmp_path))
    real = bakeview.sheet._core

    class Failing:
        def __getattr__(_, name):
            return getattr(real, name)

        def write_json(_, *args, **kwargs):
            raise OSError("disk full")

    monkeypatch.setattr(bakeview.sheet, "_core", Failing())
    with pytest.raises(OSError, match="disk full"):
        bakeview.sprite_sheet(baked_cube, views="COMPASS8", frame_size=(32, 32),
                              path=str(tmp_path / "a" / "b" / "hero.png"))
    monkeypatch.setattr(bakeview.atlas, "_write_json", Failing().write_json)
    with pytest.raises(OSError, match="disk full"):
        bakeview.pack_atlas(path=str(tmp_path / "c" / "atlas.png"))

    assert files_in(str(tmp_path)) == before
    assert sorted(os.listdir(tmp_path)) == ["notes.txt"]


def test_wrong_arguments_make_no_folder(baked_cube, tmp_path):
    with pytest.raises(ValueError, match="views"):
        bakeview.sprite_sheet(baked_cube, views="CUBE", path=str(tmp_path / "a" / "hero.png"))
    with pytest.raises(ValueError, match="padding"):
        bakeview.pack_atlas(padding=-1, path=str(tmp_path / "b" / "atlas.png"))
    assert os.listdir(tmp_path) == []


def test_a_path_naming_a_folder_writes_name_png_inside_it(baked_cube, tmp_path):
    (tmp_path / "sheets").mkdir()
    options = dict(views="COMPASS8", frame_size=(32, 32))

    existing = bakeview.sprite_sheet(baked_cube, path=str(tmp_path / "sheets"), name="hero",
                                     **options)
    made = bakeview.sprite_sheet(baked_cube, path=str(tmp_path / "new") + os.sep, **options)
    atlas = bakeview.pack_atlas(path=str(tmp_path / "sheets"))

    assert existing.files == [str(tmp_path / "sheets" / n) for n in ("hero.png", "hero.json")]
    assert made.files == [str(tmp_path / "new" / n) for n in ("sheet.png", "sheet.json")]
    assert atlas.files == [str(tmp_path / "sheets" / n) for n in ("atlas.png", "atlas.json")]
    assert sorted(os.listdir(tmp_path / "sheets")) == ["atlas.json", "atlas.png", "hero.json",
                                                       "hero.png"]


def test_the_atlas_json_places_each_bake_and_maps_its_uvs(make, tmp_path):
    for i, size in enumerate((16, 8)):
        plane = make.textured_plane(f"P{i}", location=(3 * i, 0, 0), seed=i + 1)
        bakeview.bake(plane, size=size)
    result = bakeview.pack_atlas(path=str(tmp_path / "atlas.png"), padding=2)
    data = json.loads((tmp_path / "atlas.json").read_text())

    assert data["image"] == "atlas.png" and data["kind"] == "DIFFUSE"
    assert data["size"] == {"w": result.size[0], "h": result.size[1]}
    assert (data["encoding"], data["uv_map"], data["padding"], data["extrude"]) == (
        "SRGB", "bakeview_atlas", 2, 1)
    assert data["meta"]["format"] == "bakeview-atlas"
    width, height = result.size
    for name, entry in data["objects"].items():
        x, y, w, h = result.rects[name]
        assert entry["rect"] == {"x": x, "y": y, "w": w, "h": h}
        assert entry["bake"] == f"{name}_DIFFUSE" and entry["mesh"] == name
        mesh = bpy.data.objects[name].data
        old = [c for d in mesh.uv_layers["UVMap"].data for c in d.uv]
        new = [c for d in mesh.uv_layers["bakeview_atlas"].data for c in d.uv]
        (su, sv), (ou, ov) = entry["uv"]["scale"], entry["uv"]["offset"]
        for u, v, u2, v2 in zip(old[0::2], old[1::2], new[0::2], new[1::2]):
            assert u2 == pytest.approx(u * su + ou, abs=1e-6)
            assert v2 == pytest.approx(v * sv + ov, abs=1e-6)
        # the rect, y down from the top row, is where the UVs land: v' = 1 - row / height
        assert min(new[0::2]) == pytest.approx(x / width)
        assert max(new[0::2]) == pytest.approx((x + w) / width)
        assert max(new[1::2]) == pytest.approx(1 - y / height)
        assert min(new[1::2]) == pytest.approx(1 - (y + h) / height)
