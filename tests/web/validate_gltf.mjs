// Validates a glTF file (.glb or .gltf) with the Khronos glTF Validator and prints its report as
// JSON on stdout: node validate_gltf.mjs FILE. The exit status is 0 whenever a report is made;
// the caller reads report.issues (numErrors, numWarnings, messages).
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import validator from "gltf-validator";

const file = process.argv[2];
if (!file) {
  console.error("usage: node validate_gltf.mjs FILE.glb");
  process.exit(2);
}
const report = await validator.validateBytes(new Uint8Array(readFileSync(file)), {
  uri: file,
  maxIssues: 1000,
  externalResourceFunction: (uri) =>
    Promise.resolve(new Uint8Array(readFileSync(resolve(dirname(file), decodeURIComponent(uri))))),
});
process.stdout.write(JSON.stringify(report, null, 1) + "\n");
