/*
 * One worker of tflm.ts prebuild(): compiles every `jobs`-th source of the TFLM path (from `index`)
 * into the image's object folder with kit.ts compile(), which skips what is up to date. A failure
 * here is only reported on stderr: buildImage() compiles what is missing again and says why.
 *   node --import tsx tools/s3/tflm/prebuild.ts INDEX JOBS
 */
import { compile, findKit, findToolchain } from "../kit.js";
import { TFLM_OBJ_DIR, tflmSources } from "./tflm.js";

const [index, jobs] = process.argv.slice(2).map(Number);
const kit = findKit();
const tc = findToolchain(kit);
tflmSources(kit).forEach((src, i) => {
  if (i % jobs !== index) return;
  try {
    compile(tc, src, TFLM_OBJ_DIR);
  } catch (e) {
    console.error((e as Error).message.split("\n")[0]);
  }
});
