"""Work larger than the memory available is refused before anything is read, rendered, written
or made: a sprite sheet, or a render_view; one that fits is made as usual."""
import bpy
import pytest

import bakeview
from bakeview import memory, sheet, textures, view
from conftest import snapshot


@pytest.fixture
def renders(monkeypatch):
    """Counts the core's renders (the sheet's calls pass through to the real one)."""
    real = sheet._core.render
    calls = []

    def counting(*args, **kwargs):
        calls.append(args[3:5])
        return real(*args, **kwargs)

    monkeypatch.setattr(sheet._core, "render", counting)
    return calls


def available(monkeypatch, mib):
    monkeypatch.setattr(sheet, "_available_memory", lambda: None if mib is None else mib << 20)


def test_a_sheet_larger_than_the_memory_available_is_refused_before_any_render(
        baked_cube, renders, monkeypatch, tmp_path):
    # 16 views x 3 frames of 256 x 256, COLOR + NORMAL (28 bytes a pixel): 48 untrimmed frames
    # of 1.75 MiB each need more than 64 MiB
    available(monkeypatch, 64)
    before = snapshot()
    with pytest.raises(MemoryError) as error:
        bakeview.sprite_sheet(baked_cube, views="COMPASS16", frames=(1, 3), frame_size=(256, 256),
                              passes=("COLOR", "NORMAL"), path=tmp_path / "big.png")
    message = str(error.value)
    assert "48 frames of 256 x 256 (COLOR, NORMAL)" in message
    assert "64 MiB of memory available" in message
    assert renders == []
    assert list(tmp_path.iterdir()) == []
    assert snapshot() == before  # no Image, the frame and everything else as they were


def test_the_refusal_comes_at_the_first_step_of_sheet_steps(baked_cube, renders, monkeypatch):
    available(monkeypatch, 1)
    images = sorted(i.name for i in bpy.data.images)
    steps = bakeview.sheet.sheet_steps(baked_cube, views="COMPASS8", frame_size=(256, 256))
    with pytest.raises(MemoryError, match=r"more than the 1 MiB of memory available"):
        next(steps)
    assert renders == []
    assert sorted(i.name for i in bpy.data.images) == images


def test_the_bound_counts_every_frame_untrimmed_plus_the_pages(baked_cube, renders, monkeypatch):
    # 8 frames of 64 x 64 RGBA float: 9 x 64 KiB (one more being rendered) of frames; the page:
    # a 3 x 3 grid of 66 px cells (shape padding 2) and a 2 px border is 200 x 200, 16 bytes a
    # pixel as the page buffer and 16 as the Image: 1 869 824 bytes in all
    needed = 9 * 64 * 64 * 16 + 200 * 200 * 32
    monkeypatch.setattr(sheet, "_available_memory", lambda: needed - 1)
    with pytest.raises(MemoryError, match=r"8 frames of 64 x 64 \(COLOR\) may need 2 MiB"):
        bakeview.sprite_sheet(baked_cube, views="COMPASS8", frame_size=(64, 64))
    assert renders == []
    monkeypatch.setattr(sheet, "_available_memory", lambda: needed)
    result = bakeview.sprite_sheet(baked_cube, views="COMPASS8", frame_size=(64, 64))
    assert len(renders) == 8 and len(result.frames) == 8


@pytest.mark.parametrize("mib", [None, 1 << 20])
def test_a_sheet_that_fits_or_an_unknown_memory_renders_every_frame(baked_cube, renders, monkeypatch,
                                                                    tmp_path, mib):
    available(monkeypatch, mib)
    result = bakeview.sprite_sheet(baked_cube, views="COMPASS8", frames=(1, 2), frame_size=(48, 48),
                                   path=tmp_path / "fits.png")
    assert renders == [(48, 48)] * 16
    assert len(result.frames) == 16
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fits.json", "fits.png"]


def test_memory_available_is_read_from_proc_meminfo():
    value = sheet._available_memory()
    try:
        with open("/proc/meminfo") as f:
            readable = any(line.startswith("MemAvailable:") for line in f)
    except OSError:
        readable = False
    assert (isinstance(value, int) and value > 0) if readable else value is None


def test_the_command_line_reports_the_refusal_and_exits_1(baked_cube, renders, monkeypatch, tmp_path,
                                                         capsys):
    from bakeview import cli

    available(monkeypatch, 1)
    assert cli.run(["sheet", "--out", str(tmp_path), "--size", "256", "--kind", "DIFFUSE"]) == 1
    assert "more than the 1 MiB of memory available" in capsys.readouterr().err
    assert renders == []
    assert list(tmp_path.iterdir()) == []


def test_a_view_larger_than_the_memory_available_is_refused_before_any_work(baked_cube, make,
                                                                             monkeypatch):
    camera = make.camera("Camera", location=(0.0, -4.0, 0.0), rotation=(1.5708, 0.0, 0.0))
    # 4096 x 4096: COLOR 16 + 16 (its Image), DEPTH 4 + 16 (as RGBA) + 16 bytes a pixel
    monkeypatch.setattr(memory, "available", lambda: 1000 << 20)
    touched = []
    monkeypatch.setattr(textures, "texture", lambda *a, **k: touched.append("texture"))
    monkeypatch.setattr(view._core, "render", lambda *a, **k: touched.append("render"))
    before = snapshot()
    with pytest.raises(MemoryError, match=r"a 4096 x 4096 view \(COLOR, DEPTH\) needs 1088 MiB, "
                                          r"more than the 1000 MiB of memory available"):
        bakeview.render_view(camera, baked_cube, 4096, 4096, passes=("COLOR", "DEPTH"))
    assert touched == []
    assert snapshot() == before


def test_a_view_that_fits_is_rendered(baked_cube, make, monkeypatch):
    camera = make.camera("Camera", location=(0.0, -4.0, 0.0), rotation=(1.5708, 0.0, 0.0))
    monkeypatch.setattr(memory, "available", lambda: (16 + 16) * 64 * 64)  # exactly enough
    image = bakeview.render_view(camera, baked_cube, 64, 64)
    assert tuple(image.size) == (64, 64)
