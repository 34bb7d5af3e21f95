"""The zips install and enable through Blender's own installers, in a separate Blender (or bpy
process) with temporary user folders: the add-on zip with Preferences > Add-ons > Install in
Blender 3.4, the extension zip with Get Extensions > Install from Disk in Blender 4.2 and later
(the bpy module included)."""
import importlib.util
import os
import subprocess
import sys
import zipfile

import bpy
import pytest

from conftest import build_dir

legacy = pytest.mark.skipif(
    not bpy.app.binary_path or bpy.app.version >= (4, 2, 0),
    reason="installs the legacy add-on zip with a Blender 3.4 binary (not the bpy module)",
)
extension = pytest.mark.skipif(bpy.app.version < (4, 2, 0), reason="extensions came in Blender 4.2")

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


@legacy
def test_addon_zip_from_the_build_installs_and_enables(tmp_path):
    assert os.path.isfile(BUILD_ZIP), f"{BUILD_ZIP} is missing: run `ninja -C BUILD addon_zip`"
    home = str(tmp_path)

    process = install_in_a_fresh_blender(BUILD_ZIP, home)

    assert_installed(process, home)


@legacy
def test_addon_zip_holds_the_package_and_compiled_core_in_a_bakeview_folder(tmp_path):
    with zipfile.ZipFile(zip_made_by_make_zips(str(tmp_path))) as archive:
        names = archive.namelist()
    assert "bakeview/__init__.py" in names
    assert "bakeview/_core.abi3.so" in names
    assert all(name.startswith("bakeview/") for name in names)
    assert not [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".stamp"))]


@legacy
def test_addon_zip_installs_with_addon_install_and_enables(tmp_path):
    addon_zip = zip_made_by_make_zips(str(tmp_path / "zips"))
    home = str(tmp_path / "home")

    process = install_in_a_fresh_blender(addon_zip, home)

    assert_installed(process, home)


INSTALL_EXTENSION = """
import os, sys
import bpy
zip_path = sys.argv[-1]
assert bpy.ops.extensions.package_install_files(
    filepath=zip_path, repo="user_default", enable_on_install=True) == {"FINISHED"}
import importlib
bakeview = importlib.import_module("bl_ext.user_default.bakeview")
core = importlib.import_module("bl_ext.user_default.bakeview._core")
resources = os.path.realpath(os.environ["BLENDER_USER_RESOURCES"])
assert os.path.realpath(core.__file__).startswith(resources), core.__file__
assert "bl_ext.user_default.bakeview" in bpy.context.preferences.addons
assert bpy.ops.bakeview.bake.idname() == "BAKEVIEW_OT_bake"
assert bpy.ops.bakeview.sprite_sheet.idname() == "BAKEVIEW_OT_sprite_sheet"
print("BAKEVIEW-INSTALLED", core.__file__)
"""


@extension
def test_extension_zip_from_the_build_installs_and_enables(tmp_path):
    extension_zip = os.path.join(build_dir(), "bakeview-extension.zip")
    assert os.path.isfile(extension_zip), f"{extension_zip} is missing: run `ninja -C BUILD addon_zip`"
    env = dict(os.environ, BLENDER_USER_RESOURCES=str(tmp_path / "resources"))
    env.pop("PYTHONPATH", None)
    if bpy.app.binary_path:  # a Blender 4.2+ binary
        command = [bpy.app.binary_path, "-b", "--factory-startup", "--python-exit-code", "1",
                   "--python-expr", INSTALL_EXTENSION, "--", extension_zip]
    else:  # the bpy module: the same Python, without the build folder on its path
        command = [sys.executable, "-c", INSTALL_EXTENSION, extension_zip]
    process = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             universal_newlines=True, timeout=180, cwd=str(tmp_path))

    assert process.returncode == 0, process.stdout[-3000:]
    assert "BAKEVIEW-INSTALLED" in process.stdout, process.stdout[-3000:]
    installed = tmp_path / "resources" / "extensions" / "user_default" / "bakeview"
    assert (installed / "blender_manifest.toml").is_file()
    assert (installed / "_core.abi3.so").is_file()
