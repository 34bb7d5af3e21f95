"""render_view's default sampling (AUTO) against Cycles where the texture's footprint matters:
ground planes at grazing angles (10 and 4 degrees), a magnified close-up, a non-square texture of
non-power-of-two size, a UV sphere's seam (footprint_scenes.py). Each bakes EMIT at the source
texture's size and compares premultiplied RGBA over the whole frame (test_fidelity's PSNR) with
a reference whose two seeds agree to >= 46 dB.

Figures measured in Blender 3.4 and bpy 5.0 (AUTO / 4 x 4 / 8 x 8, dB): grazing_10 49.8 / 41.5 /
50.0, grazing_4 48.4 / 39.5 / 46.9, npot 53.9 / 47.2 / 57.6, sphere_seam 52.1 / 52.2 / 59.7,
magnified 47.2 / 47.2 / 56.4. The grazing planes must reach 45 dB (issue 14's target); every
scene must stay within 0.5 dB of the 4 x 4 grid (bakeview's earlier default) or above it."""
import pytest

import bakeview
import footprint_scenes
from test_fidelity import SEEDS_AGREE_DB, cycles_reference, psnr

AT_LEAST_DB = {"grazing_10": 45.0, "grazing_4": 45.0, "magnified": 45.0, "npot": 50.0,
               "sphere_seam": 50.0}


@pytest.mark.parametrize("name", footprint_scenes.SCENES)
def test_auto_sampling_matches_cycles_where_footprints_matter(name, tmp_path):
    scene, objects = footprint_scenes.build(name)
    for obj in objects:
        image = obj.active_material.node_tree.nodes["Image Texture"].image
        bakeview.bake(obj, kind="EMIT", size=tuple(image.size), margin=4)
    samples = footprint_scenes.REFERENCE_SAMPLES[name]
    reference, size = cycles_reference(scene, 1, tmp_path / "a.exr", samples)
    second, _ = cycles_reference(scene, 2, tmp_path / "b.exr", samples)
    assert psnr(reference, second) >= SEEDS_AGREE_DB, "the reference itself is too noisy"

    auto = bakeview.pixels(bakeview.render_view(premultiplied=True))
    grid = bakeview.pixels(bakeview.render_view(premultiplied=True, samples=4, name="grid"))
    auto_db, grid_db = psnr(auto, reference), psnr(grid, reference)
    print(f"{name}: AUTO {auto_db:.1f} dB, 4x4 {grid_db:.1f} dB")
    assert auto_db >= AT_LEAST_DB[name]
    assert auto_db >= grid_db - 0.5
