import { describeAppraisal } from "../../modules/emotion/describe.js";
import { PASSIONS } from "../../modules/emotion/names.js";

describe("the event sentence says which passion made it land harder", () => {
  const bit = (n: string) => 1 << PASSIONS.indexOf(n as never);
  test("a lie that violated integrity; an idea that pleased two; both at once; none", () => {
    expect(describeAppraisal("lie", 0, bit("integrity"), PASSIONS)).toBe("the lie hurt: integrity");
    expect(describeAppraisal("new_idea", bit("learning") | bit("innovation"), 0, PASSIONS)).toBe("the new idea pleased: learning, innovation");
    expect(describeAppraisal("feedback", bit("personal_growth"), bit("respect"), PASSIONS)).toBe("the feedback hurt: respect; it pleased: personal growth");
    expect(describeAppraisal("hug", 0, 0, PASSIONS)).toBe("");
  });
});
