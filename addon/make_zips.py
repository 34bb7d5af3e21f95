"""Zips the assembled package (build helper): one zip with the folder bakeview/ for Blender's
legacy add-on installer, one with the files at the root for Blender 4.2+ extensions."""
import os
import sys
import zipfile


def package_files(package_dir):
    for root, dirs, files in os.walk(package_dir):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if not name.endswith((".pyc", ".stamp")):
                path = os.path.join(root, name)
                yield path, os.path.relpath(path, package_dir)


def write_zip(path, package_dir, prefix):
    temporary = path + ".tmp"
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
        for source, relative in package_files(package_dir):
            archive.write(source, os.path.join(prefix, relative))
    os.replace(temporary, path)


def main(package_dir, addon_zip, extension_zip):
    write_zip(addon_zip, package_dir, "bakeview")
    write_zip(extension_zip, package_dir, "")
    print(addon_zip)
    print(extension_zip)


if __name__ == "__main__":
    main(*sys.argv[1:4])
