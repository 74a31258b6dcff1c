/*
 * The profile control: which personality the robot runs, switched over the link with PROFILE
 * (docs/protocol.md; paired clients only, the robot answers DONE or ERROR "unknown profile").
 * The names are the shipped profile files the firmware carries (modules/emotion/data/profiles),
 * bundled at build time; a simulator's hello, when there is one, says which it has and which runs.
 */
import { encodeProfile, PROFILE_NAME_MAX } from "../../../modules/link/codec.js";

const files = import.meta.glob("../../../modules/emotion/data/profiles/*.json", { eager: true });

/** Shipped profile names, sorted, from the bundled files. */
export const SHIPPED_PROFILES: readonly string[] = Object.keys(files)
  .map((path) => path.replace(/^.*\//, "").replace(/\.json$/, ""))
  .filter((n) => n.length <= PROFILE_NAME_MAX)
  .sort();

export class ProfileControl {
  /** The profile asked for last, until the robot answers. */
  pending = "";

  constructor(
    private readonly select: HTMLSelectElement,
    private readonly button: HTMLButtonElement,
    private readonly send: (bytes: Uint8Array) => void,
  ) {
    this.list(SHIPPED_PROFILES, "");
    button.addEventListener("click", () => {
      const name = select.value;
      if (!name) return;
      const out = new Uint8Array(3 + PROFILE_NAME_MAX);
      this.pending = name;
      send(out.subarray(0, encodeProfile(out, name)));
    });
  }

  /** Fills the list (a simulator's hello has its own), selecting the one running when known. */
  list(names: readonly string[], running: string): void {
    this.select.replaceChildren(
      ...names.map((n) => {
        const o = document.createElement("option");
        o.value = n;
        o.textContent = n;
        o.selected = n === running;
        return o;
      }),
    );
  }

  /** The robot said DONE to PROFILE: returns the name now running. */
  done(): string {
    const name = this.pending;
    this.pending = "";
    return name;
  }
}
