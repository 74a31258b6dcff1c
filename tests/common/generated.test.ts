import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generatedFiles } from "../../tools/lib/generated.js";
import { REPO_ROOT } from "../../tools/lib/data.js";

describe("generated files", () => {
  test.each(generatedFiles().map((f) => [f.path, f.text]))("%s matches its TypeScript source (run npm run gen)", (path, text) => {
    expect(readFileSync(join(REPO_ROOT, path), "utf8")).toBe(text);
  });
});
