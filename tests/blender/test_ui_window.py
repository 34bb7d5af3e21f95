"""The add-on's UI in a real window: Debian's Blender under Xvfb, driven by ui_session.py (app
timers and simulated events). Only with the Blender program: the bpy module has no window.

Two sessions: the panels in a tall screen (every panel in view at the sidebar's default width),
and the operators' timing and Esc in a screen of a laptop's size (1280 x 800), where drawing
the window with software OpenGL costs what it would there."""
import json
import os
import shutil
import signal
import statistics
import subprocess

import bpy
import pytest

from conftest import build_dir

HERE = os.path.dirname(os.path.abspath(__file__))
IS_PROGRAM = os.path.basename(bpy.app.binary_path or "").startswith("blender")

pytestmark = pytest.mark.skipif(not IS_PROGRAM, reason="the bpy module has no window: these "
                                "run in the Blender program under Xvfb")


def run_session(tmp_path_factory, name, screen, scenarios):
    if shutil.which("xvfb-run") is None:
        pytest.fail("xvfb-run is missing: scripts/install-deps.sh --tests installs xvfb")
    out = tmp_path_factory.mktemp(name)
    command = ["xvfb-run", "-a", "-s", f"-screen 0 {screen}x24", bpy.app.binary_path,
               "--factory-startup", "--enable-event-simulate", "--python",
               os.path.join(HERE, "ui_session.py"), "--", "--build", build_dir(), "--out",
               str(out), "--only", ",".join(scenarios)]
    # a session of its own, so that a hung Blender goes with its X server
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=600)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
    path = out / "session.json"
    assert path.is_file(), f"the session wrote nothing:\n{stdout[-3000:]}\n{stderr[-3000:]}"
    result = json.loads(path.read_text())
    assert "errors" not in result, result["errors"]
    result["folder"] = str(out)
    return result


@pytest.fixture(scope="module")
def panels(tmp_path_factory):
    return run_session(tmp_path_factory, "panels", "1280x2000", ["panel"])


@pytest.fixture(scope="module")
def operators(tmp_path_factory):
    return run_session(tmp_path_factory, "operators", "1280x800",
                       ["timing", "cancel_sheet", "bake", "blender_renderers"])


def test_no_label_is_cut_off_in_the_sidebar_at_its_default_width(panels):
    # the search for Blender's ellipsis works here: it finds the probe panel's two cut labels
    assert len(panels["panel"]["probe"]["ellipses"]) >= 2
    assert panels["tab_found"]
    for state in ("default", "turntable", "impostor", "spec"):
        shot = panels["panel"][state]
        assert shot["ellipses"] == [], (
            f"labels cut off in the {state} settings at {shot['ellipses']} (x, y from the top) of "
            f"{os.path.join(panels['folder'], f'panel-{state}.png')}")


def test_number_fields_show_no_label_inside_them():
    # Blender cuts the label inside a number field without an ellipsis, which the screenshots
    # cannot see: every number field of the panels stands in a split layout (label beside it)
    from bakeview import ui

    drawn = record_panels(ui)
    inside = [(panel, prop) for panel, prop, kind, split, text in drawn
              if kind in ("INT", "FLOAT") and not split and text != ""]
    assert not inside
    assert {prop for _, prop, *_ in drawn} >= {
        "sheet_passes", "sheet_kind", "sheet_elevation", "sheet_projection", "sheet_margin",
        "sheet_extrude", "sheet_pivot", "atlas_padding"}


def test_a_192_view_sheet_from_the_button_takes_at_most_twice_the_scripted_time(operators):
    for size, timing in operators["timing"].items():
        assert timing["frames"] == [192] * 6
        scripted = statistics.median(timing["scripted"])
        invoked = statistics.median(timing["invoked"])
        assert invoked <= 2.0 * scripted, (size, timing)


def test_slices_of_the_sheet_operator_hold_at_least_50_ms_of_work(operators):
    runs = []  # the slices of each run: the first one (invoke's) has waited None
    for timing in operators["timing"].values():
        for waited, work in timing["ticks"]:
            if waited is None:
                runs.append([])
            runs[-1].append(work)
    assert len(runs) == 6 and max(len(run) for run in runs) >= 2  # the longer sheet: slices
    for run in runs:
        assert all(work >= 0.05 for work in run[:-1]), run  # the last ends with the work


def test_esc_cancels_a_sheet_and_leaves_nothing(operators):
    cancelled = operators["cancel_sheet"]
    assert cancelled["started"] == ["RUNNING_MODAL"] and cancelled["outcome"] == ["CANCELLED"]
    assert len(cancelled["shown"]) == 2 and cancelled["shown"][0].startswith("view ")
    assert cancelled["images"] == [] and cancelled["files"] == []
    assert cancelled["frame"] == 3


def test_the_sheet_button_renders_frames_with_cycles_and_eevee_in_a_window(operators):
    """No bake: Blender renders the frames from the button's time slices; EEVEE with the
    window's GPU context. The scene's engine and cameras are as they were."""
    for renderer, run in operators["blender_renderers"].items():
        assert run["outcome"] == ["FINISHED"] and run["frames"] == 8, (renderer, run)
        assert run["files"] == ["sheet.json", "sheet.png"]
        before, after = run["cameras"]
        assert run["engine"] == "CYCLES" and before == after


def test_bake_shows_progress_and_esc_puts_everything_back(operators):
    cancelled, finished = operators["bake"]["cancelled"], operators["bake"]["finished"]
    assert cancelled["started"] == ["RUNNING_MODAL"] and cancelled["outcome"] == ["CANCELLED"]
    assert cancelled["shown"] == ["baking B (2/3)"]  # A was baked when Esc came
    assert cancelled["unchanged"], cancelled["changed"]
    assert cancelled["images"] == []
    assert finished["outcome"] == ["FINISHED"]
    assert "baking B (2/3)" in finished["shown"] or "baking C (3/3)" in finished["shown"]
    assert finished["images"] == ["A_DIFFUSE", "B_DIFFUSE", "C_DIFFUSE"]


# -- what the panels draw, recorded -----------------------------------------------------------------

class _Recorder:
    """Stands in for a UILayout: records each prop drawn with the split setting in force."""

    def __init__(self, drawn, panel, split=False):
        self.drawn, self.panel = drawn, panel
        self.use_property_split, self.use_property_decorate = split, True
        self.active = self.enabled = True
        self.alignment, self.scale_x, self.scale_y = "EXPAND", 1.0, 1.0

    def _child(self, *args, **kwargs):
        return _Recorder(self.drawn, self.panel, self.use_property_split)

    column = row = box = split = grid_flow = column_flow = _child

    def prop(self, data, prop, text=None, index=-1, **kwargs):
        kind = data.bl_rna.properties[prop].type
        self.drawn.append((self.panel, prop, kind, self.use_property_split, text))

    def prop_enum(self, data, prop, value, **kwargs):
        self.drawn.append((self.panel, prop, "ENUM", self.use_property_split, None))

    def label(self, **kwargs):
        pass

    def operator(self, *args, **kwargs):
        pass

    def separator(self, **kwargs):
        pass


def record_panels(ui):
    import bakeview

    bakeview.register()
    try:
        settings = bpy.context.scene.bakeview
        drawn = []
        for views in ("COMPASS8", "TURNTABLE", "SPEC"):  # the rows each choice shows
            settings.sheet_views = views
            settings.sheet_pivot = "POINT"
            for cls in ui._CLASSES:
                if issubclass(cls, bpy.types.Panel):
                    panel = type("Panel", (), {"layout": _Recorder(drawn, cls.__name__),
                                               "layout_split": ui._Panel.layout_split})()
                    cls.draw(panel, bpy.context)
        return drawn
    finally:
        bakeview.unregister()
