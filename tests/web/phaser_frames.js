// Loads a bakeview multi-page sprite sheet the way a Phaser 3 game does: this.load.multiatlas(KEY,
// the multi-pack JSON, its folder) brings every PNG page into one texture, and this.load.json of
// the same file gives the animations, made into Phaser animations with this.anims.create. A sheet
// URL ending in .aseprite.json is an Aseprite JSON instead: this.load.aseprite(KEY, its meta.image,
// the JSON) and this.anims.createFromAseprite(KEY) make the texture and the animations. Each
// frame is drawn as an Image (origin 0, 0, so Phaser itself places the trimmed part) into a
// DynamicTexture of the frame's untrimmed size on the WebGL renderer, read back with readPixels,
// and posted, with what Phaser made of the frame, to /result as JSON:
//
//   {"phaser": VERSION, "renderer": "webgl", "gl_renderer": "...",
//    "loaded": [URL path of every file Phaser's loader loaded, in order],
//    "pages": [{"width", "height"}, ...] (the texture's sources in order),
//    "frames": {NAME: {"page": source index, "cut": [cutX, cutY, cutWidth, cutHeight],
//                      "real": [realWidth, realHeight], "offset": [x, y] (where the cut lands in
//                      the untrimmed frame), "trimmed", "rotated", "spriteSourceSize": {x, y, w, h},
//                      "sourceSize": {w, h}, "pivot": [pivotX, pivotY], "custom_pivot",
//                      "rgba": BASE64 (top row first, 8-bit RGBA as WebGL's render target holds
//                      it: PREMULTIPLIED alpha)}},
//    "animations": {NAME: [{"frame": NAME, "page": source index, "duration": the frame's own
//                           milliseconds (Aseprite's, else 0)}, ...]}}
//
// or {"error": MESSAGE} if anything fails. The sheet's URL is the page's ?sheet= parameter.
"use strict";

(function () {
  const { send, fail, base64 } = window.bakeviewReport; // report.js

  const url = new URLSearchParams(location.search).get("sheet");
  const folder = url ? url.slice(0, url.lastIndexOf("/") + 1) : "";

  const aseprite = url !== null && url.endsWith(".aseprite.json");
  let asepriteImage = null; // the Aseprite JSON's meta.image, read before the game starts

  const loaded = [];

  function preload() {
    this.load.on("loaderror", (file) => fail(new Error(`Phaser could not load ${file.src || file.url}`)));
    this.load.on("load", (file) => loaded.push(new URL(file.src, location.href).pathname));
    if (aseprite) {
      this.load.aseprite("sheet", folder + asepriteImage, url);
    } else {
      this.load.multiatlas("sheet", url, folder); // the PNG pages are found in the JSON's folder
      this.load.json("sheet-data", url);
    }
  }

  // The frame as Phaser draws it: its untrimmed size, top row first, premultiplied RGBA8.
  function draw(scene, name, index) {
    const frame = scene.textures.getFrame("sheet", name);
    const width = frame.realWidth, height = frame.realHeight;
    const target = scene.textures.addDynamicTexture(`bakeview-draw-${index}`, width, height);
    const image = scene.make.image({ key: "sheet", frame: name, add: false }).setOrigin(0, 0);
    target.clear();
    target.draw(image, 0, 0);
    const renderer = scene.game.renderer, gl = renderer.gl;
    const pixels = new Uint8Array(4 * width * height);
    // a DynamicTexture made for sprites keeps row 0 of its framebuffer at the top (Phaser's
    // own snapshot of a framebuffer reads it without flipping)
    gl.bindFramebuffer(gl.FRAMEBUFFER, target.renderTarget.framebuffer.webGLFramebuffer);
    gl.readPixels(0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, pixels);
    const current = renderer.currentFramebuffer;
    gl.bindFramebuffer(gl.FRAMEBUFFER, current ? current.webGLFramebuffer : null);
    image.destroy();
    target.destroy();
    return pixels;
  }

  function create() {
    if (window.bakeviewReport.sent) return;
    const renderer = this.game.renderer;
    if (renderer.type !== Phaser.WEBGL) throw new Error("Phaser did not get a WebGL renderer");
    const gl = renderer.gl;
    const info = gl.getExtension("WEBGL_debug_renderer_info");
    const texture = this.textures.get("sheet");
    if (texture.key !== "sheet") throw new Error("Phaser made no texture of the multi-pack");
    const report = {
      phaser: Phaser.VERSION, renderer: "webgl",
      gl_renderer: info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : null,
      loaded, pages: texture.source.map((s) => ({ width: s.width, height: s.height })),
      // the pages' normal maps (the multi-pack's "normalMap"), which Phaser's lights read
      normal_maps: texture.dataSource.map((s) => (s ? { width: s.width, height: s.height } : null)),
      frames: {}, animations: {},
    };
    texture.getFrameNames().forEach((name, index) => {
      const f = texture.get(name);
      report.frames[name] = {
        page: f.sourceIndex, cut: [f.cutX, f.cutY, f.cutWidth, f.cutHeight], real: [f.realWidth, f.realHeight],
        offset: [f.x, f.y], trimmed: f.trimmed, rotated: f.rotated,
        spriteSourceSize: f.data.spriteSourceSize, sourceSize: f.data.sourceSize,
        pivot: [f.pivotX, f.pivotY], custom_pivot: f.customPivot, rgba: base64(draw(this, name, index)),
      };
    });
    const listed = (animation) => animation.frames.map((a) => (
      { frame: a.textureFrame, page: a.frame.sourceIndex, duration: a.duration }));
    if (aseprite) {
      for (const animation of this.anims.createFromAseprite("sheet")) {
        report.animations[animation.key] = listed(animation);
      }
    } else {
      const data = this.cache.json.get("sheet-data");
      for (const [name, frames] of Object.entries(data.animations || {})) {
        const animation = this.anims.create({ key: name, frames: frames.map((frame) => ({ key: "sheet", frame })) });
        report.animations[name] = animation ? listed(animation) : null;
      }
    }
    send(report);
  }

  window.addEventListener("load", () => {
    if (!url) {
      fail(new Error("no ?sheet=URL"));
      return;
    }
    const start = () => new Phaser.Game({
      type: Phaser.WEBGL, width: 16, height: 16, transparent: true, banner: false,
      audio: { noAudio: true }, render: { pixelArt: true, antialias: false, roundPixels: true },
      scene: {
        preload() { try { preload.call(this); } catch (error) { fail(error); } },
        create() { try { create.call(this); } catch (error) { fail(error); } },
      },
    });
    if (!aseprite) return start();
    fetch(url).then((response) => response.json()).then((data) => {
      asepriteImage = data.meta.image;
      start();
    }).catch(fail);
  });
})();
