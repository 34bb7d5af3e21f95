"""The add-on's UI in a real Blender window (Debian's Blender under Xvfb), driven by app timers and
simulated events; test_ui_window.py runs it and checks what it writes.

    xvfb-run -a -s "-screen 0 1280x2000x24" blender --factory-startup --enable-event-simulate \
        --python tests/blender/ui_session.py -- --build BUILD --out FOLDER

It writes FOLDER/session.json (figures and outcomes) and FOLDER/panel-*.png (the sidebar as
drawn), then quits. Scenarios, one after the other in one session:
- panel: the bakeview tab of the sidebar at its default width, screenshots in several settings;
  truncated labels are found by their ellipsis; a probe panel with labels too long for its row
  shows that the search finds Blender's ellipsis at this font and scale;
- timing: a 192-view sprite sheet made by sprite_sheet() (as a script makes it) and by the
  operator as its button starts it (INVOKE_DEFAULT), alternately, 3 times each;
- cancel_sheet: Esc during a long sheet: no image, no file, the frame as it was;
- bake: progress while baking three objects, Esc after the first, everything put back; then
  a bake to the end.
"""
import array
import json
import os
import sys
import time
import traceback

import bpy

HERE = os.path.dirname(os.path.abspath(__file__))


def _args():
    args = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else []
    build = args[args.index("--build") + 1]
    out = args[args.index("--out") + 1]
    return os.path.abspath(build), os.path.abspath(out)


BUILD, OUT = _args()
sys.path.insert(0, os.path.join(BUILD, "python"))
sys.path.insert(0, HERE)
os.environ["BAKEVIEW_BUILD"] = BUILD

import bakeview  # noqa: E402
from bakeview import ui  # noqa: E402
from conftest import Make, differences, snapshot  # noqa: E402

RESULT = {}
HOOK = {"show": None, "done": None, "modal": None, "event": None}  # what the scenario wants told


# -- hooks on the operators (set before they are registered) ---------------------------------------

def _hooked(cls):
    show, done, modal = cls._show, cls._done, cls.modal

    def hooked_show(self, context, step):
        show(self, context, step)
        if HOOK["show"]:
            HOOK["show"](self._status(*step))

    def hooked_done(self, context, value):
        if HOOK["done"]:
            HOOK["done"](value)
        return done(self, context, value)

    def hooked_modal(self, context, event):
        if HOOK["event"]:
            HOOK["event"](f"{event.type} {event.value}")
        outcome = modal(self, context, event)
        if HOOK["modal"] and outcome != {"RUNNING_MODAL"} and outcome != {"PASS_THROUGH"}:
            HOOK["modal"](outcome)
        return outcome

    cls._show, cls._done, cls.modal = hooked_show, hooked_done, hooked_modal


TICKS = []


def _timed_run(self):
    start = time.perf_counter()
    waited = start - self.ended if self.ended is not None else None
    try:
        return _run(self)
    finally:
        TICKS.append((waited, time.perf_counter() - start))


DRAWN = {"panel": 0}


def _counted_draw(self, context):
    DRAWN["panel"] += 1  # drawn only while the bakeview tab is the one shown
    _draw(self, context)


def setup():
    """Hooks on the operators, set before they are registered; the add-on registered."""
    global _run, _draw
    if hasattr(ui, "_Slices"):  # (an add-on without time slices still shows its panel)
        _hooked(ui.BAKEVIEW_OT_sprite_sheet)
        _hooked(ui.BAKEVIEW_OT_bake)
        _run = ui._Slices.run
        ui._Slices.run = _timed_run
    panel = getattr(ui, "BAKEVIEW_PT_bake", None) or getattr(ui, "BAKEVIEW_PT_panel")
    _draw = panel.draw
    panel.draw = _counted_draw
    bakeview.register()
    bpy.context.preferences.view.show_splash = False


# -- helpers ---------------------------------------------------------------------------------------

def window():
    return bpy.context.window_manager.windows[0]


def view3d():
    return next(a for a in window().screen.areas if a.type == "VIEW_3D")


def region(area, kind):
    return next(r for r in area.regions if r.type == kind)


def override():
    area = view3d()
    return bpy.context.temp_override(window=window(), area=area, region=region(area, "WINDOW"))


def empty_scene():
    settings = bpy.context.scene.bakeview
    for prop in settings.bl_rna.properties.keys():
        if prop not in ("rna_type", "name"):
            settings.property_unset(prop)
    for obj in list(bpy.data.objects):
        bpy.data.objects.remove(obj)
    for image in list(bpy.data.images):
        bpy.data.images.remove(image)
    return Make()


def baked_cubes(make, names, size=48):
    cubes = []
    for i, name in enumerate(names):
        cube = make.cube(name, materials=[make.material(f"{name} material",
                                                        base=make.texture(f"{name} t", 24, 16,
                                                                          seed=i + 1))],
                         location=(2.0 * i, 0.0, 0.0))
        cube.rotation_euler = (0.3, 0.2, 0.4)
        cubes.append(cube)
    if size:
        bakeview.bake(cubes, kind="DIFFUSE", size=size, margin=4)
    return cubes


def press(kind, x=10, y=10):
    win = window()
    win.event_simulate(type=kind, value="PRESS", x=x, y=y)
    win.event_simulate(type=kind, value="RELEASE", x=x, y=y)


def remove_sheet_images():
    for image in [i for i in bpy.data.images if i.name.startswith("sheet")]:
        bpy.data.images.remove(image)


# -- panel: screenshots and ellipses ---------------------------------------------------------------

def _dots(pixels, width, height):
    """Small bright blobs (at most 2 x 2 pixels): (bottom row, centre x) of each."""
    bright = bytearray(width * height)
    for i in range(width * height):
        r, g, b = pixels[4 * i], pixels[4 * i + 1], pixels[4 * i + 2]
        bright[i] = 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5
    seen = bytearray(width * height)
    dots = []
    for start in range(width * height):
        if not bright[start] or seen[start]:
            continue
        stack, blob = [start], []
        seen[start] = 1
        while stack:
            i = stack.pop()
            blob.append(i)
            x, y = i % width, i // width
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    nx, ny = x + dx, y + dy
                    if 0 <= nx < width and 0 <= ny < height:
                        j = ny * width + nx
                        if bright[j] and not seen[j]:
                            seen[j] = 1
                            stack.append(j)
        xs, ys = [i % width for i in blob], [i // width for i in blob]
        if max(xs) - min(xs) <= 1 and max(ys) - min(ys) <= 1:
            dots.append((min(ys), (min(xs) + max(xs)) / 2.0))
    return dots


def ellipses(pixels, width, height):
    """Where Blender drew an ellipsis (a label cut off): three dots on one line, 2 to 5 pixels
    apart, with no fourth continuing the row (the panel's grip is a grid of dots)."""
    rows = {}
    for y, x in _dots(pixels, width, height):
        rows.setdefault(y, []).append(x)
    found = []
    for y, xs in rows.items():
        xs.sort()
        run = [xs[0]]
        for x in xs[1:] + [None]:
            if x is not None and 2.0 <= x - run[-1] <= 5.0:
                run.append(x)
                continue
            if len(run) == 3:
                found.append((run[0], y))
            run = [x]
    return sorted(found, key=lambda p: (-p[1], p[0]))


def screenshot_sidebar(name):
    """The sidebar of the 3D Viewport as drawn: ([(x, y) of each ellipsis, y from the top], its
    size); the crop is saved as OUT/panel-NAME.png."""
    area = view3d()
    side = region(area, "UI")
    path = os.path.join(OUT, f"full-{name}.png")
    with bpy.context.temp_override(window=window(), area=area):
        bpy.ops.screen.screenshot_area(filepath=path)
    shot = bpy.data.images.load(path)
    try:
        width, height = shot.size
        pixels = array.array("f", bytes(16 * width * height))
        shot.pixels.foreach_get(pixels)
    finally:
        bpy.data.images.remove(shot)
    os.remove(path)
    x0, y0 = side.x - area.x, side.y - area.y
    w, h = min(side.width, width - x0), min(side.height, height - y0)
    crop = array.array("f")
    for row in range(y0, y0 + h):
        start = 4 * (row * width + x0)
        crop.extend(pixels[start:start + 4 * w])
    image = bpy.data.images.new(f"panel-{name}", w, h, alpha=True)
    image.pixels.foreach_set(crop)
    image.filepath_raw = os.path.join(OUT, f"panel-{name}.png")
    image.file_format = "PNG"
    image.save()
    bpy.data.images.remove(image)
    return [(x, h - 1 - y) for x, y in ellipses(crop, w, h)], (w, h)


class BAKEVIEW_PT_probe(bpy.types.Panel):
    """Labels too long for their row: Blender cuts them with an ellipsis."""
    bl_label = "Probe"
    bl_space_type = "VIEW_3D"
    bl_region_type = "UI"
    bl_category = "bakeview"

    def draw(self, context):
        settings = context.scene.bakeview
        row = self.layout.row()
        row.prop(settings, "auto_uv", text="A label far too long to fit in half a sidebar")
        row.prop(settings, "overwrite", text="Another label far too long for its place")


def scenario_panel():
    make = empty_scene()
    baked_cubes(make, ["Cube"])
    view3d().spaces[0].show_region_ui = True
    yield 0.5
    area = view3d()
    side = region(area, "UI")
    RESULT["sidebar_width"] = side.width
    # the tabs run down the sidebar's right edge: click one after the other from the top until
    # the bakeview panels are the ones drawn
    x = side.x + side.width - 8
    for y in range(side.y + side.height - 10, side.y + side.height - 400, -12):
        DRAWN["panel"] = 0
        window().event_simulate(type="MOUSEMOVE", value="NOTHING", x=x, y=y)
        press("LEFTMOUSE", x, y)
        window().event_simulate(type="MOUSEMOVE", value="NOTHING", x=10, y=10)
        side.tag_redraw()
        yield 0.2
        DRAWN["panel"] = 0
        side.tag_redraw()
        yield 0.2
        if DRAWN["panel"]:
            break
    RESULT["tab_found"] = bool(DRAWN["panel"])
    settings = bpy.context.scene.bakeview
    states = {
        "default": {},
        "turntable": dict(sheet_views="TURNTABLE", sheet_pivot="POINT", sheet_animation=True,
                          kind="ROUGHNESS", sheet_kind="ROUGHNESS", atlas_kind="ROUGHNESS",
                          sheet_projection="PERSPECTIVE"),
        "impostor": dict(sheet_views="HEMI_OCTAHEDRAL", kind="COMBINED", sheet_kind="COMBINED",
                         atlas_kind="COMBINED"),
        "spec": dict(sheet_views="SPEC", kind="SHADOW", sheet_json_form="ARRAY"),
    }
    RESULT["panel"] = {}
    for name, values in states.items():
        for key, value in values.items():
            setattr(settings, key, value)
        for a in window().screen.areas:
            a.tag_redraw()
        yield 0.4
        found, size = screenshot_sidebar(name)
        RESULT["panel"][name] = {"ellipses": found, "size": size}
    bpy.utils.register_class(BAKEVIEW_PT_probe)
    view3d().tag_redraw()
    yield 0.4
    found, size = screenshot_sidebar("probe")
    RESULT["panel"]["probe"] = {"ellipses": found, "size": size}
    bpy.utils.unregister_class(BAKEVIEW_PT_probe)


# -- timing: the operator against the script -------------------------------------------------------

def scenario_timing():
    make = empty_scene()
    baked_cubes(make, ["Cube"])
    settings = bpy.context.scene.bakeview
    settings.sheet_views, settings.sheet_views_spec = "SPEC", "TURNTABLE:64:0,30,60"
    settings.sheet_path = ""
    RESULT["timing"] = {}
    for size in (128, 256):  # about 0.3 s of work (one slice), and about 2 s (many)
        settings.sheet_frame_size = (size, size)
        scripted, invoked, frames = [], [], []
        del TICKS[:]
        for _ in range(3):  # alternately, so that other load on the machine falls on both
            with override():
                arguments = ui._sheet_arguments(bpy.context)
            start = time.perf_counter()
            result = bakeview.sprite_sheet(**arguments)
            scripted.append(time.perf_counter() - start)
            frames.append(len(result.frames))
            remove_sheet_images()
            yield 0.3
            state = {}
            HOOK["done"] = lambda result, state=state: state.update(
                end=time.perf_counter(), frames=len(result.frames))
            with override():
                state["start"] = time.perf_counter()
                bpy.ops.bakeview.sprite_sheet("INVOKE_DEFAULT")
            while "end" not in state:
                yield 0.05
            invoked.append(state["end"] - state["start"])
            frames.append(state["frames"])
            HOOK["done"] = None
            remove_sheet_images()
            yield 0.3
        RESULT["timing"][size] = {"scripted": scripted, "invoked": invoked, "frames": frames,
                                  "ticks": list(TICKS)}


# -- cancel a sheet with Esc -----------------------------------------------------------------------

def scenario_cancel_sheet():
    make = empty_scene()
    baked_cubes(make, ["Cube"])
    scene = bpy.context.scene
    scene.frame_set(3)
    settings = scene.bakeview
    folder = os.path.join(OUT, "cancelled")
    os.makedirs(folder, exist_ok=True)
    settings.sheet_views, settings.sheet_views_spec = "SPEC", "TURNTABLE:256:0,20,40,60"
    settings.sheet_frame_size = (192, 192)
    settings.sheet_path = os.path.join(folder, "sheet.png")
    settings.sheet_animation = False
    state = {"shown": []}

    def shown(status):
        state["shown"].append(status)
        if len(state["shown"]) == 2:
            press("ESC")

    HOOK["show"], HOOK["modal"] = shown, lambda outcome: state.update(outcome=sorted(outcome))
    with override():
        state["started"] = sorted(bpy.ops.bakeview.sprite_sheet("INVOKE_DEFAULT"))
    deadline = time.perf_counter() + 120
    while "outcome" not in state and time.perf_counter() < deadline:
        yield 0.05
    HOOK["show"] = HOOK["modal"] = None
    RESULT["cancel_sheet"] = {
        "started": state["started"], "outcome": state.get("outcome"), "shown": state["shown"],
        "images": sorted(i.name for i in bpy.data.images if i.name.startswith("sheet")),
        "files": sorted(os.listdir(folder)), "frame": scene.frame_current}


# -- sheets rendered by Blender from the button: Cycles, and EEVEE with the window's GPU context --

def scenario_blender_renderers():
    make = empty_scene()
    baked_cubes(make, ["Cube"], size=0)  # no bake: Blender renders the frames
    scene = bpy.context.scene
    scene.render.engine = "CYCLES"
    scene.cycles.samples, scene.cycles.use_denoising = 2, False
    settings = scene.bakeview
    settings.sheet_views, settings.sheet_elevation = "COMPASS8", 30.0
    settings.sheet_frame_size = (32, 32)
    out = {}
    for renderer in ("CYCLES", "EEVEE"):
        folder = os.path.join(OUT, renderer.lower())
        os.makedirs(folder, exist_ok=True)
        settings.sheet_renderer = renderer
        settings.sheet_path = os.path.join(folder, "sheet.png")
        state = {"cameras": sorted(c.name for c in bpy.data.cameras)}
        HOOK["done"] = lambda result, state=state: state.update(frames=len(result.frames))
        HOOK["modal"] = lambda outcome, state=state: state.update(outcome=sorted(outcome))
        with override():
            state["started"] = sorted(bpy.ops.bakeview.sprite_sheet("INVOKE_DEFAULT"))
        deadline = time.perf_counter() + 120
        while (state["started"] == ["RUNNING_MODAL"] and "outcome" not in state
               and time.perf_counter() < deadline):
            yield 0.05
        HOOK["done"] = HOOK["modal"] = None
        out[renderer] = {"started": state["started"],
                         "outcome": state.get("outcome", state["started"]),
                         "frames": state.get("frames"), "files": sorted(os.listdir(folder)),
                         "engine": scene.render.engine,
                         "cameras": [state["cameras"], sorted(c.name for c in bpy.data.cameras)]}
        remove_sheet_images()
    RESULT["blender_renderers"] = out


# -- bake: progress, Esc, and to the end -----------------------------------------------------------

def scenario_bake():
    make = empty_scene()
    cubes = baked_cubes(make, ["A", "B", "C"], size=0)
    for cube in cubes:
        cube.select_set(True)
    bpy.context.view_layer.objects.active = cubes[1]
    bpy.context.scene.bakeview.size = 1024  # about 0.6 s an object: more than a slice
    before = snapshot()
    out = {}
    for name, cancel in (("cancelled", True), ("finished", False)):
        state = {"shown": []}

        def shown(status, state=state, cancel=cancel):
            state["shown"].append(status)
            if cancel and len(state["shown"]) == 1:  # A is baked, B and C are not
                press("ESC")

        HOOK["show"] = shown
        HOOK["modal"] = lambda outcome, state=state: state.update(outcome=sorted(outcome))
        HOOK["event"] = lambda event, state=state: state.setdefault("events", []).append(event)
        with override():
            state["started"] = sorted(bpy.ops.bakeview.bake("INVOKE_DEFAULT"))
        deadline = time.perf_counter() + 120
        while (state["started"] == ["RUNNING_MODAL"] and "outcome" not in state
               and time.perf_counter() < deadline):
            yield 0.05
        HOOK["show"] = HOOK["modal"] = HOOK["event"] = None
        out[name] = {"started": state["started"], "outcome": state.get("outcome"),
                     "shown": state["shown"], "events": state.get("events"),
                     "images": sorted(i.name for i in bpy.data.images if "_DIFFUSE" in i.name)}
        if cancel:
            after = snapshot()
            for state_ in (before, after):  # Cycles' own settings, made when Cycles first
                for props in state_["props"].values():  # bakes an object: not ours to undo
                    props.pop("cycles", None)
            out[name]["unchanged"] = after == before
            out[name]["changed"] = [str(d) for d in differences(before, after)][:10]
    RESULT["bake"] = out


SCENARIOS = {"panel": scenario_panel, "timing": scenario_timing,
             "cancel_sheet": scenario_cancel_sheet, "bake": scenario_bake,
             "blender_renderers": scenario_blender_renderers}


def script():
    args = sys.argv[sys.argv.index("--") + 1:]
    only = args[args.index("--only") + 1].split(",") if "--only" in args else list(SCENARIOS)
    for name, scenario in SCENARIOS.items():
        if name not in only:
            continue
        started = time.perf_counter()
        try:
            yield from scenario()
        except Exception:
            RESULT.setdefault("errors", {})[name] = traceback.format_exc()
        RESULT.setdefault("seconds", {})[name] = time.perf_counter() - started


def main():
    try:
        setup()
        steps = script()
    except Exception:  # an add-on without what the session drives: say so, and quit
        RESULT.setdefault("errors", {})["setup"] = traceback.format_exc()
        steps = iter(())

    def tick():
        try:
            return next(steps)
        except StopIteration:
            pass
        except Exception:
            RESULT.setdefault("errors", {})["driver"] = traceback.format_exc()
        with open(os.path.join(OUT, "session.json"), "w") as f:
            json.dump(RESULT, f, indent=1)
        bpy.ops.wm.quit_blender()
        return None

    bpy.app.timers.register(tick, first_interval=1.0)


main()
