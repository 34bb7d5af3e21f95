"""The add-on zip installs and enables through Blender's own add-on installer (Blender 3.4's
Preferences > Add-ons > Install), in a separate Blender with a temporary user scripts folder."""
import importlib.util
import os
import subprocess
import zipfile

import bpy
import pytest

from conftest import build_dir

pytestmark = pytest.mark.skipif(
    not bpy.app.binary_path or bpy.app.version >= (4, 2, 0),
    reason="installs the legacy add-on zip with a Blender 3.4 binary (not the bpy module)",
)

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD_ZIP = os.path.join(os.environ.get("BAKEVIEW_BUILD", ""), "bakeview-addon.zip")

INSTALL = """
import os, sys
import bpy
zip_path = sys.argv[sys.argv.index("--") + 1]
assert bpy.ops.preferences.addon_install(filepath=zip_path, overwrite=True) == {"FINISHED"}
assert bpy.ops.preferences.addon_enable(module="bakeview") == {"FINISHED"}
import bakeview, bakeview._core
scripts = os.path.realpath(os.environ["BLENDER_USER_SCRIPTS"])
assert os.path.realpath(bakeview.__file__).startswith(scripts), bakeview.__file__
assert hasattr(bpy.types, "BAKEVIEW_OT_bake")
assert bpy.ops.bakeview.bake.idname() == "BAKEVIEW_OT_bake"
assert bpy.ops.bakeview.render_view.idname() == "BAKEVIEW_OT_render_view"
print("BAKEVIEW-INSTALLED", bakeview.__file__)
"""


def install_in_a_fresh_blender(zip_path, home):
    """Runs `blender -b --factory-startup --python-expr INSTALL -- ZIP` with user folders in
    `home`; returns the completed process."""
    env = dict(os.environ)
    env["BLENDER_USER_SCRIPTS"] = os.path.join(home, "scripts")
    env["BLENDER_USER_CONFIG"] = os.path.join(home, "config")
    env.pop("PYTHONPATH", None)
    os.makedirs(env["BLENDER_USER_SCRIPTS"])
    command = [bpy.app.binary_path, "-b", "--factory-startup", "--python-exit-code", "1",
               "--python-expr", INSTALL, "--", zip_path]
    return subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=180)


def assert_installed(process, home):
    assert process.returncode == 0, process.stdout[-3000:]
    assert "BAKEVIEW-INSTALLED" in process.stdout, process.stdout[-3000:]
    installed = os.path.join(home, "scripts", "addons", "bakeview")
    assert os.path.isfile(os.path.join(installed, "__init__.py"))
    assert os.path.isfile(os.path.join(installed, "_core.abi3.so"))


def zip_made_by_make_zips(folder):
    """The add-on zip made by the build's own helper (addon/make_zips.py) from the assembled
    package, as `ninja addon_zip` runs it."""
    spec = importlib.util.spec_from_file_location(
        "make_zips", os.path.join(HERE, "..", "..", "addon", "make_zips.py"))
    make_zips = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_zips)
    os.makedirs(folder, exist_ok=True)
    addon_zip = os.path.join(folder, "bakeview-addon.zip")
    extension_zip = os.path.join(folder, "bakeview-extension.zip")
    make_zips.main(os.path.join(build_dir(), "python", "bakeview"), addon_zip, extension_zip)
    return addon_zip


def test_addon_zip_from_the_build_installs_and_enables(tmp_path):
    assert os.path.isfile(BUILD_ZIP), f"{BUILD_ZIP} is missing: run `ninja -C BUILD addon_zip`"
    home = str(tmp_path)

    process = install_in_a_fresh_blender(BUILD_ZIP, home)

    assert_installed(process, home)


def test_addon_zip_holds_the_package_and_compiled_core_in_a_bakeview_folder(tmp_path):
    with zipfile.ZipFile(zip_made_by_make_zips(str(tmp_path))) as archive:
        names = archive.namelist()
    assert "bakeview/__init__.py" in names
    assert "bakeview/_core.abi3.so" in names
    assert all(name.startswith("bakeview/") for name in names)
    assert not [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".stamp"))]


def test_addon_zip_installs_with_addon_install_and_enables(tmp_path):
    addon_zip = zip_made_by_make_zips(str(tmp_path / "zips"))
    home = str(tmp_path / "home")

    process = install_in_a_fresh_blender(addon_zip, home)

    assert_installed(process, home)
