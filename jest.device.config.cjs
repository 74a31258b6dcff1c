/**
 * `npm run test:device`: tests/device only (the emulated ESP32-S3; minutes, needs the kit from
 * MOODFACE_S3_KIT). Kept out of `npm test`, whose config (jest.config.cjs) ignores tests/device.
 */
const base = require("./jest.config.cjs");
module.exports = { ...base, roots: ["<rootDir>/tests/device"], testPathIgnorePatterns: [], testTimeout: 900000 };
