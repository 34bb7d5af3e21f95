"""The frame store's format (pure Python, no Blender): header checks, cells read back as written,
damaged and foreign cells told apart."""
import array
import json
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "addon"))

from bakeview import frame_store  # noqa: E402
from bakeview.frame_store import Cell, FrameStoreError, Store  # noqa: E402

SETTINGS = {"views": [{"name": "S", "direction": [0.0, -1.0, 0.0]}], "margin": 0.05}
SCENE = {"objects": ["Cube"], "center": [0.1, 0.2, 0.3], "radius": 0.7}


def header(**change):
    values = dict(cells=4, frame_size=(24, 24), passes=("COLOR", "DEPTH"), settings=SETTINGS,
                  scene=SCENE)
    values.update(change)
    return frame_store.header(**values)


def cell(seed=0.0):
    colour = array.array("f", [0.1 + seed, 0.2, 1 / 3, 1.0] * 6)  # a 3 x 2 rectangle
    depth = array.array("f", [2.5, 1.0] * 6)
    return Cell("S/0001", "S", 1, {"name": "S", "direction": [0.0, -1.0, 0.0], "azimuth": 0.0,
                                   "elevation": 0.0, "cell": None},
                [[[1.0, 0.0, 0.0, 0.1 / 3]] * 4, [[0.5, 0, 0, 0]] * 4], (4, 5, 3, 2),
                (0.5 + 1e-17, 2 / 3), (1.0 / 7, 9.75), {"COLOR": colour, "DEPTH": depth})


def test_a_cell_reads_back_exactly_as_written(tmp_path):
    store = Store.create(tmp_path, header())
    written = cell()
    store.write(2, written)
    assert store.has(2) and store.has(2, verify=True) and not store.has(1)
    assert store.missing() == [0, 1, 3]
    read = store.read(2)
    for name in ("name", "animation", "number", "view", "matrices", "rect", "pivot", "depth"):
        assert getattr(read, name) == getattr(written, name), name
    assert read.matrices[0][0][3] == 0.1 / 3 and isinstance(read.matrices[1][0][1], int)
    assert {p: bytes(b) for p, b in read.buffers.items()} == {
        p: b.tobytes() for p, b in written.buffers.items()}
    assert os.listdir(tmp_path / "cells") == ["000002.cell"], "no temporary file is left"


def test_the_header_holds_the_sheet_and_a_digest_of_it(tmp_path):
    Store.create(tmp_path, header())
    saved = json.loads((tmp_path / "store.json").read_text())
    assert saved["format"] == "bakeview-frame-store" and saved["version"] == 1
    assert saved["cells"] == 4 and saved["frame_size"] == [24, 24]
    saved["cells"] = 5  # changed by hand: the digest no longer matches
    (tmp_path / "store.json").write_text(json.dumps(saved))
    with pytest.raises(FrameStoreError, match="was changed after it was written"):
        Store.open(tmp_path, header())


@pytest.mark.parametrize("change, says", [
    (dict(frame_size=(32, 24)), "frame_size [24, 24] in the store, [32, 24] here"),
    (dict(cells=8), "cells 4 in the store, 8 here"),
    (dict(passes=("COLOR",)), 'passes ["COLOR", "DEPTH"] in the store, ["COLOR"] here'),
    (dict(settings={**SETTINGS, "margin": 0.1}), "margin 0.05 in the store, 0.1 here"),
    (dict(settings={"views": SETTINGS["views"]}), 'margin 0.05 in the store, "<none>" here'),
    (dict(scene={**SCENE, "radius": 0.8}), "radius 0.7 in the store, 0.8 here"),
])
def test_a_task_with_other_values_is_refused_naming_them(tmp_path, change, says):
    Store.create(tmp_path, header())
    with pytest.raises(FrameStoreError, match="was made for another sheet") as refused:
        Store.create(tmp_path, header(**change))
    assert says in str(refused.value)


def test_the_pack_compares_only_the_scene_values_it_knows(tmp_path):
    Store.create(tmp_path, header())
    Store.open(tmp_path, header(scene={}))  # the pack does not frame: no centre, no radius
    Store.open(tmp_path, header(scene={"objects": ["Cube"]}))
    with pytest.raises(FrameStoreError, match='objects \\["Cube"\\] in the store, \\["Ball"\\]'):
        Store.open(tmp_path, header(scene={"objects": ["Ball"]}))


def test_a_folder_without_a_header_is_no_store(tmp_path):
    with pytest.raises(FrameStoreError, match="has no store.json"):
        Store.open(tmp_path, header())


def test_cut_damaged_and_foreign_cells_are_not_cells_of_the_store(tmp_path):
    store = Store.create(tmp_path / "a", header())
    for index in range(3):
        store.write(index, cell(index))
    path = store.path(0)
    os.truncate(path, os.path.getsize(path) - 4)  # its pixels cut short
    assert not store.has(0)
    with open(store.path(1), "r+b") as f:  # a bit of its pixels flipped
        f.seek(-1, os.SEEK_END)
        byte = f.read(1)[0]
        f.seek(-1, os.SEEK_END)
        f.write(bytes([byte ^ 0x40]))
    assert store.has(1) and not store.has(1, verify=True)
    with pytest.raises(FrameStoreError, match=r"cell 1 \(.*\) is damaged"):
        store.read(1)
    other = Store.create(tmp_path / "b", header(frame_size=(32, 32)))
    os.replace(store.path(2), other.path(2))  # a cell of another sheet
    assert not other.has(2)
    with pytest.raises(FrameStoreError, match="cell 2 .* belongs to another sheet"):
        other.read(2)
    with pytest.raises(FrameStoreError, match="cell 3 is missing"):
        store.read(3)


def test_ranges_shorten_runs_of_numbers():
    assert frame_store.ranges([1, 2, 3, 7, 9, 10]) == "1-3, 7, 9-10"
    assert frame_store.ranges([5]) == "5" and frame_store.ranges([]) == ""
