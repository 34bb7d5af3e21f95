// Loads a bakeview sprite sheet the way a PixiJS game does (Assets.load of the TexturePacker JSON,
// which brings its PNG page and any related_multi_packs pages), draws every frame as a Sprite in a
// render texture of the frame's sourceSize (so PixiJS itself undoes trimming and rotation), reads
// the pixels back and posts them, with what PixiJS made of each frame, to /result as JSON:
//
//   {"pixi": VERSION, "renderer": "webgl", "gl_renderer": "...", "alphaMode": how the pages were
//    uploaded ("premultiplied-alpha" for a sheet whose meta.premultiplyAlpha is true, else
//    "premultiply-alpha-on-upload"), "frames": {NAME: {"width", "height",
//    "rgba": BASE64 (top row first, 8-bit RGBA as PixiJS's extract.pixels gives them: WebGL's
//    render target, so PREMULTIPLIED alpha), "anchor": [x, y] or null, "rotate", "trim": [x, y, w, h] or
//    null, "page": JSON URL}}, "animations": {NAME: [FRAME, ...]}}
//
// or {"error": MESSAGE} if anything fails. The sheet's URL is the page's ?sheet= parameter.
"use strict";

(function () {
  const { send, fail, base64 } = window.bakeviewReport; // report.js

  async function main() {
    const url = new URLSearchParams(location.search).get("sheet");
    if (!url) throw new Error("no ?sheet=URL");
    const renderer = await PIXI.autoDetectRenderer({
      preference: "webgl", width: 16, height: 16, antialias: false, backgroundAlpha: 0,
      resolution: 1, autoDensity: false,
    });
    const gl = renderer.gl;
    const info = gl && gl.getExtension("WEBGL_debug_renderer_info");
    const report = {
      pixi: PIXI.VERSION, renderer: renderer.name,
      gl_renderer: info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : null,
      frames: {}, animations: {},
    };

    // A sheet whose meta says premultiplyAlpha holds premultiplied colour: a game tells PixiJS so
    // (it does not read the flag itself), and PixiJS then uploads the pixels as they are.
    const meta = (await (await fetch(url)).json()).meta || {};
    report.alphaMode = meta.premultiplyAlpha ? "premultiplied-alpha" : "premultiply-alpha-on-upload";
    const sheet = await PIXI.Assets.load(meta.premultiplyAlpha
      ? { src: url, data: { textureOptions: { alphaMode: "premultiplied-alpha" } } }
      : url);
    const sheets = [sheet, ...(sheet.linkedSheets || [])];
    for (const s of sheets) {
      const names = new Map();
      for (const [name, texture] of Object.entries(s.textures)) {
        names.set(texture, name);
        const { width, height } = texture.orig; // the untrimmed frame (sourceSize)
        const sprite = new PIXI.Sprite(texture);
        sprite.anchor.set(0, 0); // the JSON's anchor (the pivot) is only the texture's default
        const stage = new PIXI.Container();
        stage.addChild(sprite);
        const target = PIXI.RenderTexture.create({ width, height, resolution: 1 });
        renderer.render({ container: stage, target, clear: true, clearColor: [0, 0, 0, 0] });
        const out = renderer.extract.pixels(target);
        const anchor = texture.defaultAnchor;
        const trim = texture.trim;
        report.frames[name] = {
          width: out.width, height: out.height, rgba: base64(out.pixels),
          anchor: anchor ? [anchor.x, anchor.y] : null, rotate: texture.rotate, // no pivot: none
          trim: trim ? [trim.x, trim.y, trim.width, trim.height] : null,
          page: s.data.meta.image,
        };
        target.destroy(true);
        stage.destroy({ children: true });
      }
      for (const [name, textures] of Object.entries(s.animations || {})) {
        report.animations[name] = textures.map((t) => names.get(t));
      }
    }
    await send(report);
  }

  window.addEventListener("load", () => main().catch(fail));
})();
