"""The batch command line: sprite sheets for many objects and .blend files, in background mode.

Inside Blender (the open file, or the .blend files named):
    blender -b scene.blend --python-expr "import bakeview.cli as c; c.main()" -- sheet --out DIR
With the bpy module:
    python -m bakeview sheet scenes/*.blend --out DIR

`--help` documents every option. Progress goes to stdout, one line per step; errors to stderr
with exit status 1 (2 for a wrong command line)."""
import argparse
import os
import sys

from . import BAKE_KINDS, PASSES


def _size(text):
    try:
        width, _, height = text.lower().partition("x")
        width = int(width)
        height = int(height) if height else width
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT or one number, got {text!r}") from None
    return width, height


def _frames(text):
    try:
        parts = [int(p) for p in text.split(":")]
    except ValueError:
        parts = []
    if len(parts) not in (1, 2, 3):
        raise argparse.ArgumentTypeError(f"expected FRAME or START:END[:STEP], got {text!r}")
    return parts[0] if len(parts) == 1 else tuple(parts)


def _shard(text):
    index, _, count = text.partition("/")
    try:
        index, count = int(index), int(count)
    except ValueError:
        index = count = -1
    if count < 1 or not 0 <= index < count:
        raise argparse.ArgumentTypeError(f"expected I/N with 0 <= I < N, got {text!r}")
    return index, count


def _names(text):
    return [n for n in text.split(",") if n]


def parser():
    top = argparse.ArgumentParser(prog="bakeview", description=__doc__.split("\n\n")[0])
    commands = top.add_subparsers(dest="command", required=True)
    sheet = commands.add_parser(
        "sheet", help="bake, render views and write sprite sheets (PNG + TexturePacker JSON)",
        description="Bake each object's surfaces once (if not baked yet), render its views with the "
        "core, trim, pack and write PNG pages with TexturePacker JSON (Hash or Array), one sheet "
        "per .blend file (or per object with --per-object).")
    sheet.add_argument("blends", nargs="*", metavar="BLEND",
                       help=".blend files to process (default: the file Blender has open)")
    sheet.add_argument("--out", required=True, help="folder for the sheets (must exist)")
    sheet.add_argument("--objects", type=_names, default=None,
                       help="comma-separated object names (default: every visible mesh)")
    sheet.add_argument("--per-object", action="store_true", help="one sheet per object")
    sheet.add_argument("--views", default="COMPASS8",
                       help="COMPASS8, COMPASS16, TURNTABLE:N[:ELEVATIONS], OCTAHEDRAL:N or "
                       "HEMI_OCTAHEDRAL:N (default COMPASS8)")
    sheet.add_argument("--size", type=_size, default=(256, 256), help="frame size WxH (default 256x256)")
    sheet.add_argument("--frames", type=_frames, default=None,
                       help="animation frames START:END[:STEP] or one FRAME (default: the current)")
    sheet.add_argument("--kind", choices=BAKE_KINDS, default="DIFFUSE", help="bake kind (default DIFFUSE)")
    sheet.add_argument("--bake-size", type=int, default=1024, help="bake texture size (default 1024)")
    sheet.add_argument("--auto-uv", action="store_true", help="add a UV map to objects without one")
    sheet.add_argument("--passes", type=_names, default=["COLOR"],
                       help=f"comma-separated passes among {','.join(PASSES)} (default COLOR)")
    sheet.add_argument("--projection", choices=("ORTHOGRAPHIC", "PERSPECTIVE"), default="ORTHOGRAPHIC",
                       help="camera of the fitted views (default ORTHOGRAPHIC)")
    sheet.add_argument("--margin", type=float, default=0.05, help="fraction of the frame kept free")
    sheet.add_argument("--pixels-per-unit", type=float, default=None, help="fixed scale (orthographic)")
    sheet.add_argument("--samples", type=int, default=4, help="N x N samples per pixel (default 4)")
    sheet.add_argument("--no-trim", action="store_true", help="keep whole frames")
    sheet.add_argument("--alpha-threshold", type=float, default=0.0, help="trim: alpha kept above this")
    sheet.add_argument("--no-dedupe", action="store_true", help="store identical frames again")
    sheet.add_argument("--layout", choices=("MAXRECTS", "GRID"), default="MAXRECTS",
                       help="packed frames, or a grid of equal cells (default MAXRECTS)")
    sheet.add_argument("--heuristic", choices=("BEST", "BSSF", "BAF", "BL", "CP"), default="BEST",
                       help="MaxRects rule: BEST tries them all with several orders and page "
                            "shapes and keeps the tightest (default)")
    sheet.add_argument("--padding", type=int, default=2, help="pixels between frames (default 2)")
    sheet.add_argument("--border", type=int, default=2, help="pixels from the page edge (default 2)")
    sheet.add_argument("--extrude", type=int, default=0, help="repeat edge pixels N times")
    sheet.add_argument("--max-size", type=_size, default=(4096, 4096),
                       help="page limit WxH; more frames make more pages, NAME-0.png + "
                       "NAME-0.json ..., and NAME.json with every page (Phaser's load.multiatlas)")
    sheet.add_argument("--power-of-two", action="store_true", help="page sides powers of two")
    sheet.add_argument("--square", action="store_true", help="square pages")
    sheet.add_argument("--rotate", action="store_true",
                       help="allow frames turned 90 degrees (PixiJS draws them turned back, "
                       "Phaser 3.90 and 4.2 do not)")
    sheet.add_argument("--premultiplied", action="store_true",
                       help="colour PNG premultiplied as engines read premultiplyAlpha (the "
                       "encoded colour times alpha)")
    sheet.add_argument("--colour", choices=("SCENE", "SRGB"), default="SCENE",
                       help="colour PNG encoded as Blender writes the scene's render output "
                       "(view transform, look, exposure, gamma: SCENE, default) or with the "
                       "plain sRGB curve (SRGB)")
    sheet.add_argument("--normal-y", choices=("UP", "DOWN"), default="UP",
                       help="green of the NORMAL sheet (camera-space normals, n * 0.5 + 0.5): UP "
                            "as OpenGL, Unity, Godot 4, three.js, PixiJS and Phaser lights read "
                            "it, DOWN as DirectX, Unreal and Godot 3's sprites (default UP)")
    sheet.add_argument("--json", choices=("HASH", "ARRAY"), default="HASH", help="JSON form")
    sheet.add_argument("--overwrite", action="store_true", help="replace existing files")
    sheet.add_argument("--shard", type=_shard, default=(0, 1),
                       help="I/N: do only every N-th job starting at I (jobs: files x objects)")
    return top


def _argv(argv):
    if argv is not None:
        return list(argv)
    return sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else sys.argv[1:]


def _jobs(args, bpy):
    """(blend file or None, [object names] or None, output stem) for every sheet, in a stable order."""
    files = sorted(args.blends) or [None]
    jobs = []
    for blend in files:
        stem = os.path.splitext(os.path.basename(blend or bpy.data.filepath or "scene"))[0]
        if args.per_object:
            if blend:
                bpy.ops.wm.open_mainfile(filepath=blend)
            names = args.objects or sorted(o.name for o in bpy.context.view_layer.objects
                                           if o.type == "MESH" and o.visible_get())
            jobs += [(blend, [name], f"{stem}-{name}") for name in names]
        else:
            jobs.append((blend, args.objects, stem))
    index, count = args.shard
    return [job for i, job in enumerate(jobs) if i % count == index]


def run_sheet(args):
    import bpy

    import bakeview
    from bakeview import records

    if not os.path.isdir(args.out):
        raise OSError(f"output folder {args.out} does not exist")
    for name in args.passes:
        if name.upper() not in PASSES:
            raise ValueError(f"--passes: {name!r} is not among {','.join(PASSES)}")
    jobs = _jobs(args, bpy)
    print(f"bakeview: {len(jobs)} sheet(s) in this shard", flush=True)
    opened = None
    for number, (blend, names, stem) in enumerate(jobs, 1):
        if blend and blend != opened:
            bpy.ops.wm.open_mainfile(filepath=blend)
            opened = blend
        if names:
            missing = [n for n in names if n not in bpy.data.objects]
            if missing:
                raise ValueError(f"{blend or 'the open file'} has no object named {missing[0]!r}")
            objects = [bpy.data.objects[n] for n in names]
        else:
            objects = [o for o in bpy.context.view_layer.objects if o.type == "MESH" and o.visible_get()]
        if not objects:
            raise ValueError(f"{blend or 'the open file'} has no visible mesh to draw")
        unbaked = [o for o in objects if records.baked_image(o, args.kind) is None]
        if unbaked:
            print(f"[{number}/{len(jobs)}] {stem}: baking {len(unbaked)} object(s)", flush=True)
            bakeview.bake(unbaked, kind=args.kind, size=args.bake_size, auto_uv=args.auto_uv,
                          overwrite=args.overwrite)
        path = os.path.join(args.out, f"{stem}.png")

        def progress(done, total, view, number=number, stem=stem):
            if done % max(1, total // 10) == 0:
                print(f"[{number}/{len(jobs)}] {stem}: view {done + 1}/{total} ({view})", flush=True)

        result = bakeview.sprite_sheet(
            objects, views=args.views, frame_size=args.size, path=path, frames=args.frames,
            projection=args.projection, margin=args.margin, pixels_per_unit=args.pixels_per_unit,
            kind=args.kind, passes=tuple(p.upper() for p in args.passes), samples=args.samples,
            trim=not args.no_trim, alpha_threshold=args.alpha_threshold, shape_padding=args.padding,
            border_padding=args.border, extrude=args.extrude, layout=args.layout,
            heuristic=args.heuristic, max_size=args.max_size, power_of_two=args.power_of_two,
            square=args.square, allow_rotation=args.rotate, dedupe=not args.no_dedupe,
            premultiplied=args.premultiplied, colour=args.colour, normal_y=args.normal_y,
            json_form=args.json, name=stem,
            overwrite=args.overwrite, progress=progress)
        occupancy = ", ".join(f"{o:.0%}" for o in result.occupancy)
        print(f"[{number}/{len(jobs)}] {stem}: {len(result.frames)} frames on "
              f"{len(result.occupancy)} page(s) ({occupancy})", flush=True)
        for f in result.files:
            print(f"  wrote {f}", flush=True)


def main(argv=None):
    """Runs the command line; exits the process with its status."""
    sys.exit(run(argv))


def run(argv=None):
    """Runs the command line; returns the exit status (0 done, 1 failed, 2 wrong usage)."""
    try:
        args = parser().parse_args(_argv(argv))
    except SystemExit as stop:  # argparse printed the usage or --help
        return int(stop.code or 0)
    try:
        if args.command == "sheet":
            run_sheet(args)
    except (ValueError, TypeError, OSError, RuntimeError, MemoryError) as error:
        print(f"bakeview: error: {error}", file=sys.stderr, flush=True)
        return 1
    return 0
