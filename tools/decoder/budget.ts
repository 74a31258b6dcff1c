/*
 * The budgets a decoder must meet to ship in a pack (docs/decoder.md): what the ESP32-S3 affords per
 * frame, and the ops its TFLM build registers. `moodface pack` checks every model it puts in a pack
 * against them: the one it was given and the one it fine-tuned.
 */
import type { ModelInfo } from "./native.js";

export const BUDGET = { macs: 500_000, weights: 32 * 1024, ops: ["FULLY_CONNECTED", "RESHAPE", "CONV_2D", "DEPTH_TO_SPACE"] } as const;

/** What is over budget, one phrase each; empty when the model fits. */
export function overBudget(info: Pick<ModelInfo, "macs" | "weights" | "ops">): string[] {
  return [
    info.macs > BUDGET.macs ? `${info.macs} MACs (budget ${BUDGET.macs})` : "",
    info.weights > BUDGET.weights ? `${info.weights} bytes of weights (budget ${BUDGET.weights})` : "",
    ...[...new Set(info.ops)].filter((x) => !(BUDGET.ops as readonly string[]).includes(x)).map((x) => `op ${x} (allowed: ${BUDGET.ops.join(", ")})`),
  ].filter(Boolean);
}
