/**
 * `npm run test:device`: tests/device only (the emulated ESP32-S3; minutes, needs the kit from
 * MOODFACE_S3_KIT). Kept out of `npm test`, whose config (jest.config.cjs) ignores tests/device.
 * One file at a time (maxWorkers 1): device.test.ts and xs.test.ts both build the TFLM decoder image
 * into build/s3/decoder-tflm, and QEMU runs are CPU-bound anyway; a machine with more cores would
 * otherwise run them at once into the same folder.
 */
const base = require("./jest.config.cjs");
module.exports = { ...base, roots: ["<rootDir>/tests/device"], testPathIgnorePatterns: [], testTimeout: 900000, maxWorkers: 1 };
