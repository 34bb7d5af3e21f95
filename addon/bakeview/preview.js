// The player of a bakeview preview page (previews.py puts it in the page, after the sheet's data):
// each animation on a canvas of its frames' untrimmed size, one frame per 1 / frame rate seconds,
// in order, looping. For scripts, window.bakeviewPreview holds the frame rate, each animation's
// frame names and APNG, the frame indices it has shown in order ("shown"), and draw(name, index),
// which returns that frame's ImageData as the page draws it.
"use strict";

(function () {
  const sheet = JSON.parse(document.getElementById("sheet").textContent);
  const state = { frame_rate: sheet.frame_rate, animations: {}, ready: false, draw: null };
  window.bakeviewPreview = state;

  function loadImage(source) {
    return new Promise((resolve, reject) => {
      const image = new Image();
      image.onload = () => resolve(image);
      image.onerror = () => reject(new Error("a page of the sheet did not load"));
      image.src = source;
    });
  }

  // A frame into a 2D context of its animation's size: the packed region, turned back if it was
  // packed rotated (90 degrees clockwise), at its trim offset.
  function drawFrame(context, pages, frame) {
    const [x, y, w, h] = frame.frame;
    const [left, top] = frame.trim;
    context.clearRect(0, 0, context.canvas.width, context.canvas.height);
    context.save();
    context.translate(left, top);
    if (frame.rotated) {  // stored turned clockwise: turn back counter-clockwise
      context.translate(0, h);
      context.rotate(-Math.PI / 2);
      context.drawImage(pages[frame.page], x, y, h, w, 0, 0, h, w);
    } else {
      context.drawImage(pages[frame.page], x, y, w, h, 0, 0, w, h);
    }
    context.restore();
  }

  async function main() {
    const pages = await Promise.all(sheet.pages.map(loadImage));
    const list = document.getElementById("animations");
    const names = Object.keys(sheet.animations);
    document.getElementById("info").textContent =
      `${names.length} animation(s), ${sheet.frame_rate} frames per second`;
    const contexts = {};
    for (const name of names) {
      const animation = sheet.animations[name];
      const frames = animation.frames.map((f) => sheet.frames[f]);
      const width = Math.max(...frames.map((f) => f.size[0]));
      const height = Math.max(...frames.map((f) => f.size[1]));
      const figure = document.createElement("figure");
      const canvas = document.createElement("canvas");
      canvas.width = width;
      canvas.height = height;
      canvas.style.width = `${width * Math.max(1, Math.floor(192 / Math.max(width, height)))}px`;
      const caption = document.createElement("figcaption");
      caption.textContent = `${name} (${frames.length})`;
      figure.append(canvas, caption);
      list.append(figure);
      const context = canvas.getContext("2d", { willReadFrequently: true });
      contexts[name] = { context, frames };
      const entry = { frames: animation.frames, apng: animation.apng, shown: [] };
      state.animations[name] = entry;
      let index = 0;
      const step = () => {  // one frame per tick, so that frames are never skipped
        drawFrame(context, pages, frames[index]);
        entry.shown.push(index);
        index = (index + 1) % frames.length;
        setTimeout(step, 1000 / sheet.frame_rate);
      };
      step();
    }
    state.draw = (name, index) => {
      const { context, frames } = contexts[name];
      const scratch = document.createElement("canvas");
      scratch.width = context.canvas.width;
      scratch.height = context.canvas.height;
      const own = scratch.getContext("2d", { willReadFrequently: true });
      drawFrame(own, pages, frames[index]);
      return own.getImageData(0, 0, scratch.width, scratch.height);
    };
    state.ready = true;
  }

  main().catch((error) => {
    state.error = String(error);
    document.getElementById("info").textContent = `the preview failed: ${error}`;
  });
})();
