// Loads a bakeview preview page (NAME-preview.html, ?sheet=URL) in an iframe, waits until every
// animation has played each of its frames twice, then posts to /result as JSON:
//
//   {"frame_rate": the page's, "animations": {NAME: {
//      "frames": [FRAME NAME, ...], "shown": [frame indices the page drew, in order],
//      "drawn": [BASE64 RGBA8 of each frame as the page draws it (canvas getImageData: straight
//                alpha, rows top-down)], "size": [w, h],
//      "apng": {"file", "type", "frame_count", "repetition_count" ("Infinity" for ever),
//               "durations": [microseconds per frame], "frames": [BASE64 RGBA8 per frame, decoded
//               by Chromium's own decoder (ImageDecoder) and read back through a canvas]}}}}
//
// or {"error": MESSAGE}.
"use strict";

(function () {
  const { send, fail, base64 } = window.bakeviewReport; // report.js
  const url = new URLSearchParams(location.search).get("sheet");

  function wait(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  async function decodeApng(file) {
    const response = await fetch(file);
    if (!response.ok) throw new Error(`${file}: ${response.status}`);
    const type = "image/png";
    if (!(await ImageDecoder.isTypeSupported(type))) throw new Error("no PNG ImageDecoder");
    const decoder = new ImageDecoder({ data: response.body, type });
    await decoder.tracks.ready;
    await decoder.completed;
    const track = decoder.tracks.selectedTrack;
    const out = { file, type, frame_count: track.frameCount, durations: [], frames: [],
                  repetition_count: Number.isFinite(track.repetitionCount)
                    ? track.repetitionCount : String(track.repetitionCount) };
    for (let i = 0; i < track.frameCount; i++) {
      const { image } = await decoder.decode({ frameIndex: i });
      const canvas = document.createElement("canvas");
      canvas.width = image.displayWidth;
      canvas.height = image.displayHeight;
      const context = canvas.getContext("2d", { willReadFrequently: true });
      context.drawImage(image, 0, 0);
      out.durations.push(image.duration);
      out.frames.push(base64(context.getImageData(0, 0, canvas.width, canvas.height).data));
      image.close();
    }
    decoder.close();
    return out;
  }

  async function main() {
    if (!url) throw new Error("no ?sheet=URL");
    const frame = document.createElement("iframe");
    frame.width = 800;
    frame.height = 600;
    frame.src = url;
    document.body.append(frame);
    await new Promise((resolve) => frame.addEventListener("load", resolve, { once: true }));
    const folder = url.slice(0, url.lastIndexOf("/") + 1);
    let state = null;
    for (let tries = 0; tries < 600; tries++) {  // a minute at most
      state = frame.contentWindow.bakeviewPreview;
      if (state && state.error) throw new Error(`the preview failed: ${state.error}`);
      const played = state && state.ready && Object.values(state.animations).every(
        (a) => a.shown.length >= 2 * a.frames.length);
      if (played) break;
      await wait(100);
    }
    if (!state || !state.ready) throw new Error("the preview page never became ready");
    const report = { frame_rate: state.frame_rate, animations: {} };
    for (const [name, animation] of Object.entries(state.animations)) {
      const drawn = animation.frames.map((_, i) => state.draw(name, i));
      report.animations[name] = {
        frames: animation.frames, shown: animation.shown.slice(),
        size: [drawn[0].width, drawn[0].height], drawn: drawn.map((d) => base64(d.data)),
        apng: await decodeApng(folder + encodeURIComponent(animation.apng)),
      };
    }
    await send(report);
  }

  window.addEventListener("load", () => main().catch(fail));
})();
