import { describeAppraisal, describeEvent } from "../../modules/emotion/describe.js";
import { EMOTIONS, PASSIONS } from "../../modules/emotion/names.js";

const probs = (o: Partial<Record<(typeof EMOTIONS)[number], number>>) => EMOTIONS.map((e) => o[e] ?? 0);

describe("the event sentence", () => {
  test("the issue's example: the emotion that moved most, and who still leads", () => {
    expect(describeEvent({ stimulus: "insult", intensity: 0.8, before: probs({ joy: 0.7, mad: 0.05 }), after: probs({ joy: 0.55, mad: 0.22 }), emotions: EMOTIONS })).toBe("insult 0.80: mad rose to 0.22, joy still leads");
  });

  test("a fall, a new leader, the one that moved taking the lead, and the face's reaction", () => {
    expect(describeEvent({ stimulus: "loss", intensity: 1, before: probs({ joy: 0.6, sad: 0.3 }), after: probs({ joy: 0.2, sad: 0.35, calm: 0.38 }), emotions: EMOTIONS })).toBe("loss 1.00: joy fell to 0.20, calm now leads");
    expect(describeEvent({ stimulus: "hit", intensity: 0.5, before: probs({ calm: 0.6, mad: 0.1 }), after: probs({ calm: 0.3, mad: 0.65 }), emotions: EMOTIONS, reaction: "flinch" })).toBe("hit 0.50: mad rose to 0.65 and now leads; flinch");
  });

  test("nothing noticeable; the engine's held dominant wins over the most probable", () => {
    const p = probs({ calm: 0.5, joy: 0.45 });
    expect(describeEvent({ stimulus: "night", intensity: 0.3, before: p, after: p, emotions: EMOTIONS, reaction: "fell asleep" })).toBe("night 0.30: little changed, calm still leads; fell asleep");
    expect(describeEvent({ stimulus: "praise", intensity: 0.2, before: p, after: probs({ calm: 0.48, joy: 0.5 }), emotions: EMOTIONS, dominantBefore: 7, dominantAfter: 7 })).toBe("praise 0.20: joy rose to 0.50, calm still leads");
  });
});

describe("the event sentence says which passion made it land harder", () => {
  const bit = (n: string) => 1 << PASSIONS.indexOf(n as never);
  test("a lie that violated integrity; an idea that pleased two; both at once; none", () => {
    expect(describeAppraisal("lie", 0, bit("integrity"), PASSIONS)).toBe("the lie hurt: integrity");
    expect(describeAppraisal("new_idea", bit("learning") | bit("innovation"), 0, PASSIONS)).toBe("the new idea pleased: learning, innovation");
    expect(describeAppraisal("feedback", bit("personal_growth"), bit("respect"), PASSIONS)).toBe("the feedback hurt: respect; it pleased: personal growth");
    expect(describeAppraisal("hug", 0, 0, PASSIONS)).toBe("");
  });

  test("in the whole sentence, before the face's reaction", () => {
    expect(describeEvent({ stimulus: "lie", intensity: 1, before: probs({ calm: 0.6, mad: 0.1 }), after: probs({ calm: 0.3, mad: 0.65 }), emotions: EMOTIONS, violated: bit("integrity"), reaction: "flinch" })).toBe("lie 1.00: mad rose to 0.65 and now leads; the lie hurt: integrity; flinch");
  });
});
