/*
 * The passions in words: why an event landed harder or softer, from the robot's own appraisal bits
 * (EmotionState.served / .violated): "the lie hurt: integrity". The robot's event sentence
 * (modules/app/events.ts) and `engine simulate`'s JSON Lines both say it this way. Plain ECMAScript
 * with no host APIs, so the browser bundles it as it bundles the codec.
 */

/**
 * "the lie hurt: integrity", "the new idea pleased: learning, innovation", both joined by "; ".
 * Empty when the event touched no passion the robot holds.
 */
export function describeAppraisal(stimulus: string, served: number, violated: number, passions: readonly string[]): string {
  const list = (mask: number) => {
    const out: string[] = [];
    for (let p = 0; p < passions.length; p++) if (mask & (1 << p)) out.push(passions[p].replace(/_/g, " "));
    return out.join(", ");
  };
  const what = `the ${stimulus.replace(/_/g, " ")}`;
  const parts: string[] = [];
  if (violated) parts.push(`${what} hurt: ${list(violated)}`);
  if (served) parts.push(`${parts.length ? "it" : what} pleased: ${list(served)}`);
  return parts.join("; ");
}
