"""sprite_sheet's pixel-art output, checked on the PNG's pixels (tests/png_decode.py reads them):
hard alpha, the pivot on a pixel centre in every frame (a sprite that only moves keeps its pixels),
whole-pixel scaling, the outline and the palette; and what cannot be pixel art refused first."""
import bpy
import pytest

import bakeview
from web_client import read_png


def frames_of(result, png):
    """{name: (w, h, RGBA8 rows of the trimmed frame)} cut from the PNG page."""
    page_w, _, data = png
    out = {}
    for f in result.frames:
        x, y, w, h = f["frame"]
        rows = [data[4 * ((y + v) * page_w + x):4 * ((y + v) * page_w + x + w)] for v in range(h)]
        out[f["name"]] = (w, h, b"".join(rows))
    return out


def moving_cube(cube, dx=0.173):
    """The cube sliding along x by a fraction of a pixel each frame (no turn: only a move)."""
    cube.animation_data_create()
    cube.keyframe_insert("location", frame=1)
    cube.location.x += 4 * dx
    cube.keyframe_insert("location", frame=5)  # eased: fractions of a pixel between frames


def test_pixel_art_frames_have_hard_alpha_and_the_pivot_on_a_pixel_centre(baked_cube, tmp_path):
    moving_cube(baked_cube)
    result = bakeview.sprite_sheet(baked_cube, views="DIMETRIC8", frame_size=(32, 32),
                                   frames=(1, 5), path=str(tmp_path / "px.png"), pixel_art=True,
                                   colour="SRGB")
    png = read_png(tmp_path / "px.png")
    alphas = set(png[2][3::4])
    assert alphas == {0, 255}, f"half-transparent pixels: {sorted(alphas - {0, 255})[:5]}"
    jitter = max(abs(f[k] * 32 % 1.0 - 0.5) for f in result.frames for k in ("pivot_x", "pivot_y"))
    assert jitter < 1e-6, f"the pivot is {jitter} px off a pixel centre"

    # the cube only moves: relative to its pivot, every frame of a view is the same picture
    frames = frames_of(result, png)
    moved = 0
    for view in {f["animation"] for f in result.frames}:
        members = [f for f in result.frames if f["animation"] == view]
        pictures = set()
        for f in members:
            sx, sy = f["source"][:2]
            anchor = (round(f["pivot_x"] * 32 - 0.5) - sx, round(f["pivot_y"] * 32 - 0.5) - sy)
            pictures.add((anchor, frames[f["name"]]))
        assert len(pictures) == 1, f"{view}: {len(pictures)} different pictures around the pivot"
        moved += len({round(f["pivot_x"] * 32 - 0.5) for f in members}) > 1
    assert moved >= 4, "the cube moved across the screen in too few views: the test tests less"


def test_pixel_art_renders_one_point_sample_per_pixel(baked_cube, monkeypatch):
    """What the frames are drawn with: one sample at each pixel's centre, a 1-pixel box."""
    from bakeview import sheet

    seen, render = [], sheet._core.render

    def spy(*args, **kwargs):
        seen.append((kwargs["samples"], kwargs["filter"], kwargs["filter_width"]))
        return render(*args, **kwargs)

    monkeypatch.setattr(sheet._core, "render", spy)
    bakeview.sprite_sheet(baked_cube, views="COMPASS8", frame_size=(16, 16), pixel_art=True,
                          samples="AUTO", filter="GAUSSIAN")
    assert seen and set(seen) == {(1, "BOX", 1.0)}


def test_without_pixel_art_the_same_move_shimmers(baked_cube, tmp_path):
    """The control of the test above: the smooth render of the same move gives frames whose
    pixels differ around the pivot, and a pivot off the pixel centres."""
    moving_cube(baked_cube)
    result = bakeview.sprite_sheet(baked_cube, views="DIMETRIC8", frame_size=(32, 32),
                                   frames=(1, 5), samples=1, filter="BOX", filter_width=1.0)
    fractions = {round(f["pivot_x"] * 32 % 1.0, 6) for f in result.frames if f["animation"] == "S"}
    assert len(fractions) > 1


@pytest.mark.parametrize("scale", [2, 3])
def test_pixel_scale_stores_each_pixel_as_a_block(baked_cube, tmp_path, scale):
    result = bakeview.sprite_sheet(baked_cube, views="COMPASS8", frame_size=(24, 20),
                                   path=str(tmp_path / "px.png"), pixel_art=True,
                                   pixel_scale=scale, outline=(0.0, 0.0, 0.0))
    png = read_png(tmp_path / "px.png")
    for f in result.frames:
        assert f["source_size"][2:] == (24 * scale, 20 * scale)
        assert all(v % scale == 0 for v in f["source"]), f["source"]
    for name, (w, h, data) in frames_of(result, png).items():
        for y in range(h):
            for x in range(w):
                bx, by = x - x % scale, y - y % scale
                assert data[4 * (y * w + x):4 * (y * w + x) + 4] == \
                    data[4 * (by * w + bx):4 * (by * w + bx) + 4], (name, x, y)


def test_the_outline_surrounds_every_silhouette(baked_cube, tmp_path):
    result = bakeview.sprite_sheet(baked_cube, views="COMPASS8", frame_size=(24, 24),
                                   path=str(tmp_path / "px.png"), pixel_art=True,
                                   outline=(1.0, 0.0, 1.0), colour="SRGB", trim=False)
    for name, (w, h, data) in frames_of(result, read_png(tmp_path / "px.png")).items():
        def pixel(x, y):
            if not (0 <= x < w and 0 <= y < h):
                return (0, 0, 0, 0)
            return tuple(data[4 * (y * w + x):4 * (y * w + x) + 4])
        edge = [(x, y) for y in range(h) for x in range(w) if pixel(x, y)[3] and any(
            pixel(x + dx, y + dy)[3] == 0 for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)))]
        assert edge, name
        assert all(pixel(x, y) == (255, 0, 255, 255) for x, y in edge), name


def test_a_given_palette_holds_every_visible_pixel(baked_cube, tmp_path):
    palette = ["#1a1c2c", "#5d275d", "#b13e53", "#ef7d57", "#ffcd75", "#a7f070", "#38b764",
               (37, 113, 121), (41, 54, 111), (59, 93, 201), (65, 166, 246), (115, 239, 247)]
    result = bakeview.sprite_sheet(baked_cube, views="COMPASS8", frame_size=(32, 32),
                                   path=str(tmp_path / "px.png"), pixel_art=True, palette=palette)
    wanted = {tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) if isinstance(c, str) else c
              for c in palette}
    assert set(result.palette) == wanted
    _, _, data = read_png(tmp_path / "px.png")
    seen = {tuple(data[i:i + 3]) for i in range(0, len(data), 4) if data[i + 3]}
    assert seen <= wanted and len(seen) > 3


def test_a_palette_of_n_colours_is_made_from_the_frames(baked_cube, tmp_path):
    result = bakeview.sprite_sheet(baked_cube, views="COMPASS8", frame_size=(32, 32),
                                   path=str(tmp_path / "px.png"), pixel_art=True, palette=6)
    _, _, data = read_png(tmp_path / "px.png")
    seen = {tuple(data[i:i + 3]) for i in range(0, len(data), 4) if data[i + 3]}
    assert len(result.palette) == 6 and seen <= set(result.palette) and len(seen) >= 4
    unpalettised = bakeview.sprite_sheet(baked_cube, views="COMPASS8", frame_size=(32, 32),
                                         path=str(tmp_path / "plain.png"), pixel_art=True)
    _, _, plain = read_png(tmp_path / "plain.png")
    assert len({tuple(plain[i:i + 3]) for i in range(0, len(plain), 4) if plain[i + 3]}) > 6
    assert unpalettised.palette is None


@pytest.mark.parametrize("options, error, message", [
    (dict(palette=4), ValueError, "palette need pixel_art=True"),
    (dict(pixel_scale=2, outline=(0, 0, 0)), ValueError, "pixel_scale, outline need pixel_art=True"),
    (dict(pixel_art=True, projection="PERSPECTIVE"), ValueError, "pixel_art needs projection="),
    (dict(pixel_art=True, pixel_scale=0), ValueError, "pixel_scale must be a whole number"),
    (dict(pixel_art=True, palette=1), ValueError, "palette must be 2 to 256 colours"),
    (dict(pixel_art=True, palette=["#12345g"]), ValueError, "palette colour '#12345g'"),
    (dict(pixel_art=True, palette="#123456"), TypeError, "palette must be a number of colours"),
    (dict(pixel_art=True, outline=(0, 0)), ValueError, "outline must be a linear colour"),
    (dict(pixel_art=True, renderer="CYCLES"), ValueError, "pixel_art draws with the core"),
])
def test_what_cannot_be_pixel_art_is_refused_before_any_work(baked_cube, tmp_path, options, error,
                                                             message):
    from conftest import files_in, snapshot

    before = snapshot()
    with pytest.raises(error, match=message):
        bakeview.sprite_sheet(baked_cube, views="COMPASS8", frame_size=(16, 16),
                              path=str(tmp_path / "px.png"), **options)
    assert files_in(tmp_path) == {} and snapshot() == before
    assert bpy.context.scene.frame_current == 1
