/**
 * jest over native ES modules (run with --experimental-vm-modules, see package.json): the sources are
 * ESM everywhere (device modules, tools, tests), so tests exercise the same module graph as the tools.
 * ts-jest only transpiles; type checking is `npm run typecheck`.
 */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  // tests/device runs on the emulated ESP32-S3: `npm run test:device` (jest.device.config.cjs).
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/tests/device/"],
  extensionsToTreatAsEsm: [".ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { useESM: true, diagnostics: false }],
  },
  // Sources import "./x.js" (the ESM spelling that Node, XS and Moddable all accept); jest wants "./x".
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  testTimeout: 180000,
};
