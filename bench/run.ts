/*
 * `npm run bench`: prints the figures the issues ask for. Benchmarks print numbers; tests assert
 * behaviour (no timed tests).
 */
import { engineBench, printEngine } from "./engine/bench.js";
import { displayBench, printDisplay } from "./display/bench.js";
import { accuracyBench, printAccuracy } from "./engine/accuracy.js";
import { decoderBench, printDecoder } from "./decoder/bench.js";
import { linkBench, printLink } from "./link/bench.js";
import { attackBench, printAttack } from "./link/attack.js";
import { sensorBench, printSensors } from "./sensors/bench.js";
import { photosBench, printPhotos } from "./photos/bench.js";
import { drawingsBench, printDrawings } from "./drawings/bench.js";
import { deviceBench, printDevice } from "./device/bench.js";
import { memoryBench, printMemory } from "./memory/bench.js";

const sections = process.argv.slice(2);
const want = (name: string) => sections.length === 0 || sections.includes(name);

if (want("engine")) printEngine(await engineBench());
if (want("accuracy")) printAccuracy(accuracyBench());
if (want("display")) printDisplay(displayBench());
if (want("decoder")) printDecoder(await decoderBench());
if (want("link")) printLink(linkBench());
if (want("attack")) printAttack(await attackBench());
if (want("sensors")) printSensors(sensorBench());
if (want("photos")) printPhotos(await photosBench());
if (want("drawings")) printDrawings(await drawingsBench());
// Only when asked for: it needs the emulator kit (MOODFACE_S3_KIT) and takes minutes.
if (sections.includes("device")) printDevice(deviceBench());
if (want("memory")) printMemory(await memoryBench());
