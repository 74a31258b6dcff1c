/*
 * The firmware's configuration: the one schema and the one set of defaults. The board reads the
 * manifest's `config` through mcconfig ("mc/config"), the simulator reads the same manifest from
 * disk (tools/lib/manifest.ts), and both hand the raw object to parseConfig(). Every key is listed
 * in manifest.json (a test checks each platform's config has them all), so the manifest documents
 * what a maker can set. docs/config.md.
 */
import type { SensorsConfig } from "../sensors/senses.js";
import { SSD1306_ADDRESSES, SSD1306_DEFAULTS, SSD1306_HEIGHTS, SSD1306_HZ_MAX, SSD1306_HZ_MIN } from "../display/ssd1306.js";

export interface DisplayConfig {
  /** 7-bit I2C address: 0x3C (60, SA0 low) or 0x3D (61, SA0 high). */
  readonly address: number;
  /** I2C clock; the SSD1306 datasheet allows 400 kHz, hobbyists run up to 1 MHz. */
  readonly hz: number;
  /** Glass rows: 64 (128x64 modules) or 32 (128x32 modules; faces are halved vertically). */
  readonly height: number;
  /** Panel mounted upside down. */
  readonly flip: boolean;
  /** 0..255. */
  readonly contrast: number;
}

export interface ButtonConfig {
  /** GPIO of a push button to ground (internal pull-up), or -1 for none. 0 is the DevKitC's BOOT button. */
  readonly pin: number;
  /** The stimuli its presses give, in turn. */
  readonly stimuli: readonly string[];
}

/** The sensors' own (modules/sensors/senses.ts): this schema checks and fills it. */
export type { SensorsConfig };

export interface Config {
  /** A shipped profile's name, or "" for the saved one (else "default"). */
  readonly profile: string;
  /** "face", or "levels" (a diagnostic bar chart of the engine). */
  readonly view: string;
  readonly display: DisplayConfig;
  readonly button: ButtonConfig;
  readonly sensors: SensorsConfig;
}

export const VIEWS = Object.freeze(["face", "levels"]);
// The panel's: the driver owns its defaults and what it accepts (modules/display/ssd1306.ts).
export const ADDRESSES = SSD1306_ADDRESSES;
export const HEIGHTS = SSD1306_HEIGHTS;
export const HZ_MIN = SSD1306_HZ_MIN;
export const HZ_MAX = SSD1306_HZ_MAX;
export const IMU_ADDRESSES = Object.freeze([-1, 0x68, 0x69]);
export const IMU_RATE_MIN = 10;
export const IMU_RATE_MAX = 200;
/** Profile names are file names in flash: lowercase letters, digits, "-" and "_", at most 15. */
export const PROFILE_NAME = /^[a-z0-9_-]{1,15}$/;

export const DEFAULT_CONFIG: Config = Object.freeze({
  profile: "",
  view: "face",
  display: SSD1306_DEFAULTS,
  button: Object.freeze({ pin: -1, stimuli: Object.freeze(["praise"]) }),
  sensors: Object.freeze({ touch: Object.freeze({ pin: -1, activeLow: false }), imu: Object.freeze({ address: -1, rate: 50 }) }),
});

/** Every key path of the schema ("display.address", ...), for the manifest check. */
export function configKeys(): string[] {
  const keys: string[] = [];
  const walk = (o: object, prefix: string): void => {
    for (const [k, v] of Object.entries(o)) {
      if (v && typeof v === "object" && !Array.isArray(v)) walk(v, `${prefix}${k}.`);
      else keys.push(prefix + k);
    }
  };
  walk(DEFAULT_CONFIG, "");
  return keys;
}

export interface ParsedConfig {
  readonly config: Config;
  /** One line per bad key, naming it and what is allowed; the key keeps its default. */
  readonly errors: string[];
}

type Raw = { readonly [key: string]: unknown };

function object(v: unknown): Raw {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Raw) : {};
}

function shown(v: unknown): string {
  const s = typeof v === "string" ? `"${v}"` : Array.isArray(v) ? JSON.stringify(v) : String(v);
  return s.length > 40 ? s.slice(0, 37) + "..." : s;
}

/**
 * Checks a raw config against the schema. Missing keys take their defaults; bad ones are reported
 * (and take their defaults) so the board still starts. mcconfig passes values given on its
 * command line (`profile=anxious`) as strings, so numbers and booleans written as strings pass.
 */
export function parseConfig(raw: unknown): ParsedConfig {
  const errors: string[] = [];
  const r = object(raw);
  const rd = object(r.display);
  const rb = object(r.button);
  const num = (o: Raw, key: string, path: string, fallback: number, ok: (n: number) => boolean, allowed: string): number => {
    const v = o[key];
    if (v === undefined) return fallback;
    const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
    if (typeof n === "number" && Number.isInteger(n) && ok(n)) return n;
    errors.push(`config.${path}: ${shown(v)} is not allowed; ${allowed}`);
    return fallback;
  };
  const bool = (o: Raw, key: string, path: string, fallback: boolean): boolean => {
    const v = o[key];
    if (v === undefined) return fallback;
    if (v === true || v === "true") return true;
    if (v === false || v === "false") return false;
    errors.push(`config.${path}: ${shown(v)} is not allowed; use true or false`);
    return fallback;
  };
  const d = DEFAULT_CONFIG.display;
  const display: DisplayConfig = {
    address: num(rd, "address", "display.address", d.address, (n) => ADDRESSES.includes(n), "use 60 (0x3C) or 61 (0x3D)"),
    hz: num(rd, "hz", "display.hz", d.hz, (n) => n >= HZ_MIN && n <= HZ_MAX, `use ${HZ_MIN} to ${HZ_MAX} (400000 is the datasheet's maximum)`),
    height: num(rd, "height", "display.height", d.height, (n) => HEIGHTS.includes(n), "use 64 or 32"),
    flip: bool(rd, "flip", "display.flip", d.flip),
    contrast: num(rd, "contrast", "display.contrast", d.contrast, (n) => n >= 0 && n <= 255, "use 0 to 255"),
  };
  let profile = DEFAULT_CONFIG.profile;
  if (r.profile !== undefined) {
    if (r.profile === "" || (typeof r.profile === "string" && PROFILE_NAME.test(r.profile))) profile = r.profile;
    else errors.push(`config.profile: ${shown(r.profile)} is not allowed; use "" (the saved profile) or a profile's name (lowercase letters, digits, - and _)`);
  }
  let view = DEFAULT_CONFIG.view;
  if (r.view !== undefined) {
    if (typeof r.view === "string" && VIEWS.includes(r.view)) view = r.view;
    else errors.push(`config.view: ${shown(r.view)} is not allowed; use ${VIEWS.map((v) => `"${v}"`).join(" or ")}`);
  }
  const b = DEFAULT_CONFIG.button;
  const pin = num(rb, "pin", "button.pin", b.pin, (n) => n >= -1 && n <= 48, "use -1 (no button) or a GPIO number 0-48");
  let stimuli = b.stimuli;
  if (rb.stimuli !== undefined) {
    const list = typeof rb.stimuli === "string" ? rb.stimuli.split(",") : rb.stimuli;
    if (Array.isArray(list) && list.length > 0 && list.length <= 16 && list.every((s) => typeof s === "string" && s.length > 0)) stimuli = Object.freeze(list.slice() as string[]);
    else errors.push(`config.button.stimuli: ${shown(rb.stimuli)} is not allowed; use a list of 1 to 16 stimulus names`);
  }
  // Sensors (docs/sensors.md): optional; -1 means none.
  const rs = object(r.sensors);
  const rt = object(rs.touch);
  const ri = object(rs.imu);
  const st = DEFAULT_CONFIG.sensors;
  let touchPin = num(rt, "pin", "sensors.touch.pin", st.touch.pin, (n) => n >= -1 && n <= 48, "use -1 (no touch pad) or a GPIO number 0-48");
  if (touchPin >= 0 && touchPin === pin) {
    errors.push(`config.sensors.touch.pin: ${touchPin} is the button's pin; use another GPIO or -1`);
    touchPin = -1;
  }
  const sensors: SensorsConfig = {
    touch: { pin: touchPin, activeLow: bool(rt, "activeLow", "sensors.touch.activeLow", st.touch.activeLow) },
    imu: {
      address: num(ri, "address", "sensors.imu.address", st.imu.address, (n) => IMU_ADDRESSES.includes(n), "use -1 (no IMU), 104 (0x68) or 105 (0x69)"),
      rate: num(ri, "rate", "sensors.imu.rate", st.imu.rate, (n) => n >= IMU_RATE_MIN && n <= IMU_RATE_MAX, `use ${IMU_RATE_MIN} to ${IMU_RATE_MAX} samples a second`),
    },
  };
  return { config: { profile, view, display, button: { pin, stimuli }, sensors }, errors };
}
