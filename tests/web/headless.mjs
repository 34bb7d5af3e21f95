// Shared by the drivers of the real-client tests (check_pixi.mjs, check_phaser.mjs,
// check_three.mjs): serve a test page, report.js (which every page posts its report through), a
// library's dist folder and a sheet's folder on http://127.0.0.1:<free port> (loopback only, GET
// of those files and POST /result, nothing else), open the page in headless Chromium with a fresh
// profile and everything that would reach the network off, and wait for the page to post its
// report.
import { spawn } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));

// headless; WebGL on the CPU through SwiftShader (Debian's Chromium 156 falls back to it under
// --disable-gpu by itself, newer Chromium only when asked: --enable-unsafe-swiftshader); colours
// as in the file (sRGB output, no colour management); nothing that talks to the network by itself
const CHROMIUM_FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader",
  "--use-angle=swiftshader", "--force-color-profile=srgb",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--no-first-run", "--no-default-browser-check", "--disable-quic", "--disable-extensions",
  "--disable-default-apps", "--disable-domain-reliability", "--metrics-recording-only",
  "--disable-dev-shm-usage", "--mute-audio", "--no-pings",
];

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".json": "application/json",
                ".png": "image/png", ".map": "application/json" };

// SHEET.json [--chromium PATH] [--timeout SECONDS] [--out FILE]
export function parseArgs(argv) {
  const options = { chromium: "/usr/bin/chromium", timeout: 120, out: null, sheet: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--chromium" || arg === "--timeout" || arg === "--out") {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      options[arg.slice(2)] = argv[++i];
    } else if (arg.startsWith("-") || options.sheet !== null) {
      throw new Error(`unexpected argument ${arg}`);
    } else {
      options.sheet = arg;
    }
  }
  if (options.sheet === null) throw new Error("no SHEET.json");
  options.timeout = Number(options.timeout);
  if (!(options.timeout > 0)) throw new Error("--timeout must be a positive number of seconds");
  return options;
}

// a plain file name inside `folder`, or null: no paths, no '..'
function fileIn(folder, name) {
  let decoded;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    return null;
  }
  if (!decoded || /[/\\]/.test(decoded) || decoded.startsWith(".")) return null;
  return path.join(folder, decoded);
}

// routes: {"/page.html": file, ...}; mounts: {"/lib/": folder, ...} (plain file names only)
function serve(routes, mounts, onResult) {
  return http.createServer((request, response) => {
    const { pathname } = new URL(request.url, "http://127.0.0.1");
    if (request.method === "POST" && pathname === "/result") {
      const chunks = [];
      request.on("data", (chunk) => chunks.push(chunk));
      request.on("end", () => {
        response.writeHead(204).end();
        onResult(Buffer.concat(chunks).toString("utf8"));
      });
      return;
    }
    let file = null;
    if (request.method === "GET") {
      if (routes[pathname]) file = routes[pathname];
      for (const [prefix, folder] of Object.entries(mounts)) {
        if (!file && pathname.startsWith(prefix)) file = fileIn(folder, pathname.slice(prefix.length));
      }
    }
    fs.readFile(file || "", (error, data) => {
      if (!file || error) {
        response.writeHead(404, { "Content-Type": "text/plain" }).end("not found\n");
        return;
      }
      response.writeHead(200, { "Content-Type": TYPES[path.extname(file)] || "application/octet-stream",
                                "Cache-Control": "no-store" }).end(data);
    });
  });
}

// Chromium was started in its own process group (detached): SIGKILL ends the browser and all its
// helper processes at once (its profile is thrown away, nothing to save); returns when the browser
// itself has exited. (Its helpers are reaped by init, not by us.)
async function stopBrowser(browser) {
  if (!browser.pid) return;
  const running = browser.exitCode === null && browser.signalCode === null;
  const exited = running ? once(browser, "exit") : Promise.resolve();
  try {
    process.kill(-browser.pid, "SIGKILL");
  } catch {
    browser.kill("SIGKILL");
  }
  await exited;
}

// Opens `page` (a key of routes) with ?sheet=/sheet/NAME.json, the sheet's folder mounted at
// /sheet/; returns the body the page posted (JSON without an "error" key), or throws with
// Chromium's stderr (end) attached.
export async function runPage({ page, routes, mounts, options }) {
  const sheet = path.resolve(options.sheet);
  if (!fs.existsSync(sheet)) throw new Error(`${sheet} does not exist`);
  let settle;
  const result = new Promise((resolve, reject) => { settle = { resolve, reject }; });
  const pages = { ...routes, "/report.js": path.join(HERE, "report.js") }; // every page posts through it
  const server = serve(pages, { ...mounts, "/sheet/": path.dirname(sheet) }, (body) => settle.resolve(body));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  const url = `http://127.0.0.1:${port}${page}?sheet=` +
    encodeURIComponent(`/sheet/${encodeURIComponent(path.basename(sheet))}`);

  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "bakeview-chromium-"));
  const browser = spawn(options.chromium, [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, url],
                        { stdio: ["ignore", "ignore", "pipe"], detached: true });
  let stderr = "";
  browser.stderr.on("data", (chunk) => { stderr = (stderr + chunk).slice(-8000); });
  browser.on("error", (error) =>
    settle.reject(new Error(`cannot start ${options.chromium}: ${error.message}`)));
  browser.on("exit", (code, signal) =>
    settle.reject(new Error(`Chromium exited (${signal || code}) before the page reported`)));
  const timer = setTimeout(
    () => settle.reject(new Error(`no report from the page after ${options.timeout} s`)),
    options.timeout * 1000);
  try {
    const body = await result;
    const report = JSON.parse(body);
    if (report.error) throw new Error(`the page failed: ${report.error}`);
    return body;
  } catch (error) {
    error.stderr = stderr;
    throw error;
  } finally {
    clearTimeout(timer);
    await stopBrowser(browser);
    server.close();
    fs.rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
  }
}

// The whole command: parse argv, check that `library` (a file npm installs in `folder`) is there,
// run the page, write the report to stdout or --out. Exit status 0 on a report, 1 on any failure
// (the message and the end of Chromium's stderr go to stderr), 2 on bad arguments.
export async function main({ name, usage, library, folder, setup }) {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${error.message}\n${usage}`);
    process.exit(2);
  }
  try {
    if (!fs.existsSync(library)) {
      throw new Error(`no ${library}: run \`npm ci\` in ${folder}`);
    }
    const body = await runPage({ ...setup, options });
    if (options.out) fs.writeFileSync(options.out, body);
    else process.stdout.write(body + "\n");
  } catch (error) {
    console.error(`${name}: ${error.message}`);
    if (error.stderr) console.error(`Chromium's stderr (end):\n${error.stderr}`);
    process.exit(1);
  }
}
