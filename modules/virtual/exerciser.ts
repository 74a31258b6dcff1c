/*
 * A virtual app for the lin build (mcsim), for memory and soak runs: `mcconfig ... exercise=600`
 * turns it on (off by default; docs/memory.md). Moddable's simulator has no BLE and main.ts opens
 * no WebSocket on mcsim, so nothing else can reach the link there. It plays what a phone does,
 * through the same session state machine and codec as the board's BLE adapter, in a loop:
 * connect, PAIR_START (the robot shows its six-digit passkey full screen), PAIR with the digits as
 * a person would type them, then every stimulus of the catalog in turn, one every `stepMs`, at
 * intensities and directions that vary from cycle to cycle, so every reflex, sleep and waking,
 * look and morph between moods comes round; then disconnect, and again. The catalog's size is
 * learnt from the protocol itself (ERROR "no such stimulus" ends a cycle). One trace line per
 * cycle says how far it got.
 *
 * Loaded under its own name (virtual/exerciser), so its relative imports resolve as usual.
 */
import { LinkSession, PAIRING_MESSAGE } from "../link/session.js";
import { encodePair, encodePairStart, encodeStimulus, ERR_STIMULUS, MAX_MESSAGE_BYTES, MSG_ACK, MSG_ERROR, REPLY_MAX_BYTES } from "../link/codec.js";
import { Random } from "../common/random.js";
import type { BleRobot } from "../link/ble-api.js";

/** Milliseconds the passkey stays on screen before the virtual person has typed it. */
export const TYPING_MS = 2500;
/** Intensities (0..255) cycled per stimulus: strong, medium, under most reflexes' minimum. */
const INTENSITIES = Object.freeze([255, 153, 40]);

export class Exerciser {
  readonly session: LinkSession;
  cycles = 0;
  private readonly trace: (m: string) => void;
  private readonly stepMs: number;
  private readonly out = new Uint8Array(MAX_MESSAGE_BYTES);
  private readonly reply = new Uint8Array(REPLY_MAX_BYTES);
  private phase = 0; // 0 idle, 1 passkey on screen, 2 sending stimuli
  private next = 0;
  private stimulus = 0;
  private acks = 0;
  private errors = 0;

  constructor(robot: BleRobot, stepMs: number, trace: (m: string) => void, seed = 1) {
    const random = new Random(seed);
    this.session = new LinkSession(robot, { pairing: PAIRING_MESSAGE, passkeys: random });
    this.stepMs = stepMs;
    this.trace = trace;
  }

  /** The runtime's RobotLink (Robot.tick calls it with the robot's clock): the passkey to show full screen, or -1. */
  service(now: number): number {
    const s = this.session;
    if (((now - this.next) | 0) >= 0) {
      if (this.phase === 0) {
        s.connect(now);
        this.send(encodePairStart(this.out), now);
        this.phase = 1;
        this.next = now + TYPING_MS;
      } else if (this.phase === 1) {
        this.send(encodePair(this.out, s.overlay(now)), now);
        if (!s.authorised) this.trace(`moodface: exercise: pairing refused in cycle ${this.cycles + 1}\n`);
        this.phase = 2;
        this.stimulus = 0;
        this.next = now + this.stepMs;
      } else {
        const k = this.stimulus + this.cycles;
        // Every third stimulus comes from a direction (the eyes look), the others from nowhere.
        const length = encodeStimulus(this.out, this.stimulus, INTENSITIES[k % 3], [], k % 3 === 0 ? (k * 37) & 0xff : -1);
        this.send(length, now);
        if (this.reply[0] === MSG_ERROR && this.reply[1] === ERR_STIMULUS && this.reply[2] === 2) {
          // Past the catalog's last stimulus: the cycle is over.
          this.cycles++;
          this.trace(`moodface: exercise: cycle ${this.cycles}: paired, ${this.acks} stimuli applied, ${this.errors} refused\n`);
          s.disconnect();
          this.acks = 0;
          this.errors = 0;
          this.phase = 0;
          this.next = now + this.stepMs;
          return s.overlay(now);
        }
        if (this.reply[0] === MSG_ACK) this.acks++;
        else this.errors++;
        this.stimulus++;
        this.next = now + this.stepMs;
      }
    }
    return s.overlay(now);
  }

  /** Writes the first `length` bytes of `out` as the peer; the reply lands in `reply`. */
  private send(length: number, now: number): void {
    this.session.write(this.out, length, this.reply, now);
  }
}
