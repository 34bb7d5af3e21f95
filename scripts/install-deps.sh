#!/usr/bin/env bash
# Installs the Debian packages bakeview builds with (and, with --tests, tests with), when they
# are missing.
# As root it runs apt-get; otherwise it prints the exact command to run and fails.
set -euo pipefail

# build: compiler, CMake, cglm, stb, zlib (PNG deflate), libpng (16-bit PNG), CPython headers;
# tests: pytest for Debian's Python (which Debian's Blender runs on), venv + pip for the bpy
# module, Blender itself, and Chromium (headless) for the PixiJS, Phaser and three.js client
# tests (tests/web, with Node.js and npm; npm ci there installs them, pinned in
# package-lock.json), clang with libFuzzer (in
# libclang-rt-dev, only recommended by clang) for the fuzz targets, valgrind for the C tests;
# with Blender, numpy for Debian's Python: Blender's glTF exporter (`atlas --glb`) imports it
# Godot 3's headless server, which loads the Godot 3 SpriteFrames (tests/blender/test_godot_client.py);
# Xvfb (xvfb-run, with xauth) for the UI tests in a real Blender window (tests/blender/test_ui_window.py);
# Mesa's EGL and software driver, with which EEVEE and Workbench render in background mode
# (render_pixels, sheets with renderer=EEVEE or WORKBENCH)
packages=(cmake ninja-build pkg-config gcc libc6-dev libcglm-dev libstb-dev zlib1g-dev libpng-dev
  python3-dev)
case "${1:-}" in
  --blender) packages+=(blender python3-numpy) ;;
  --tests) packages+=(python3-pytest python3-venv python3-pip blender python3-numpy chromium godot3-server clang
    libclang-rt-dev valgrind xvfb xauth libegl-mesa0 libgl1-mesa-dri) ;;
esac
# Node.js for the web client test: Debian's, unless the machine already has one of its own
if [ "${1:-}" = "--tests" ] && ! command -v node >/dev/null; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "bakeview needs these Debian packages: ${missing[*]}" >&2
  echo "install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
