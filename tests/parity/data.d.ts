// Shape of the data module the XS harness generates next to the compiled driver (tools/xs/harness.ts).
import type { ParityData } from "./vectors.js";
declare const data: ParityData;
export default data;
