"""Runs bakeview's Blender tests (tests/blender) with pytest, inside Blender or with the bpy module.

    blender -b --factory-startup --python-exit-code 1 --python tests/blender/run_pytest.py \
        -- --build BUILD [pytest args]
    /tmp/bpyvenv/bin/python tests/blender/run_pytest.py --build BUILD [pytest args]

BUILD is a CMake build folder where `ninja bakeview_package` assembled BUILD/python/bakeview
(`ninja addon_zip` also makes BUILD/bakeview-addon.zip for the add-on install test). The exit
status is pytest's. Nothing is written into the repository or the build: no bytecode, no cache.
"""
import os
import sys

sys.dont_write_bytecode = True  # before anything imports bakeview or the tests

HERE = os.path.dirname(os.path.abspath(__file__))
USAGE = (
    "usage: blender -b --factory-startup --python-exit-code 1 --python run_pytest.py -- "
    "--build BUILD [pytest args]\n"
    "       python run_pytest.py --build BUILD [pytest args]   (with the bpy module)"
)


def _script_args(argv):
    """The arguments meant for this script: after '--' inside Blender, else after argv[0]."""
    if argv and os.path.abspath(argv[0]) == os.path.abspath(__file__):
        return argv[1:]  # plain Python with the bpy module
    return argv[argv.index("--") + 1 :] if "--" in argv else []


def _parse(args):
    build, rest, i = None, [], 0
    while i < len(args):
        arg = args[i]
        if arg == "--build" and i + 1 < len(args):
            build, i = args[i + 1], i + 2
            continue
        if arg.startswith("--build="):
            build = arg.split("=", 1)[1]
        else:
            rest.append(arg)
        i += 1
    return build, rest


def main():
    build, pytest_args = _parse(_script_args(sys.argv))
    if build is None:
        print(USAGE, file=sys.stderr)
        return 2
    build = os.path.abspath(build)
    package = os.path.join(build, "python", "bakeview")
    if not os.path.isfile(os.path.join(package, "__init__.py")):
        print(f"no bakeview package in {package}: run `ninja -C {build} bakeview_package`",
              file=sys.stderr)
        return 2
    sys.path.insert(0, os.path.join(build, "python"))
    os.environ["BAKEVIEW_BUILD"] = build

    import pytest

    # tests/blender unless the arguments name tests themselves (a path, or path::test)
    named = any(not a.startswith("-") and (os.path.exists(a.split("::")[0]) or "::" in a)
                for a in pytest_args)
    where = [] if named else [HERE]
    return int(pytest.main([*where, "--rootdir", HERE, "-p", "no:cacheprovider", *pytest_args]))


if __name__ == "__main__":
    sys.exit(main())
