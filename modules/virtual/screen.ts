/*
 * lin only: mirrors the virtual SSD1306's glass onto the screen of Moddable's simulator (mcsim), so
 * the face drawn over the virtual I2C bus is what the simulator window shows. It reads what the
 * panel decoded from the driver's bytes (contrast, inverse, flip and all), never the frame the robot
 * meant to draw. Scaled to the screen's width, centred, lit pixels in an OLED blue-white.
 */
import Timer from "timer";
import type { VirtualSSD1306 } from "./ssd1306.js";

/** The simulator's `screen` global (build/simulators/modules/screen.c): a Commodetto PixelsOut. */
interface SimulatorScreen {
  readonly width: number;
  readonly height: number;
  pixelFormat: number;
  begin(x: number, y: number, width: number, height: number): void;
  send(pixels: ArrayBuffer, offset?: number, count?: number): void;
  end(): void;
  /** mcsim's controls post JSON strings here ({"button": 1} while its Button is held). */
  onMessage?: (message: string) => void;
}

// Commodetto's bitmap formats (commodettoBitmapFormat.h).
const GRAY256 = 5;
const RGB565LE = 7;
const MIRROR_MS = 33;

/** 16-bit RGB565 of a lit pixel at luminance `level` (0..255): the blue-white of common OLEDs. */
function rgb565(level: number): number {
  const r = (level * 180) >> 8;
  const g = (level * 220) >> 8;
  return ((r >> 3) << 11) | ((g >> 2) << 5) | (level >> 3);
}

/** Shows the panel on mcsim's screen; `onButton` hears mcsim's "Button" (pressed or released). */
export function mirrorPanel(panel: VirtualSSD1306, onButton?: (pressed: boolean) => void): void {
  const screen = (globalThis as unknown as { screen?: SimulatorScreen }).screen;
  if (!screen) {
    trace("moodface: no simulator screen; the virtual panel is not shown\n");
    return;
  }
  if (onButton) {
    screen.onMessage = (message) => {
      try {
        const m = JSON.parse(message) as { button?: number };
        if (m.button !== undefined) onButton(m.button !== 0);
      } catch {
        // Not ours: mcsim's other controls post other messages.
      }
    };
  }
  if (screen.pixelFormat !== GRAY256 && screen.pixelFormat !== RGB565LE) screen.pixelFormat = RGB565LE;
  const wide = screen.pixelFormat === RGB565LE;
  const width = screen.width;
  const height = Math.min(screen.height, ((width * panel.height) / panel.width) | 0);
  const top = (screen.height - height) >> 1;
  // Everything the loop needs is allocated here, once.
  const glass = new Uint8Array(panel.width * panel.height);
  const line = new ArrayBuffer(width * (wide ? 2 : 1));
  const line16 = new Uint16Array(line);
  const line8 = new Uint8Array(line);
  const column = new Uint16Array(width);
  for (let x = 0; x < width; x++) column[x] = ((x * panel.width) / width) | 0;
  let seen = -1;

  // The whole screen black once, then only the panel's band whenever the bus carried something.
  screen.begin(0, 0, width, screen.height);
  for (let y = 0; y < screen.height; y++) screen.send(line);
  screen.end();
  Timer.repeat(() => {
    const traffic = panel.counters.transactions;
    if (traffic === seen) return;
    seen = traffic;
    panel.render(glass);
    screen.begin(0, top, width, height);
    for (let y = 0; y < height; y++) {
      const row = (((y * panel.height) / height) | 0) * panel.width;
      for (let x = 0; x < width; x++) {
        const level = glass[row + column[x]];
        if (wide) line16[x] = level ? rgb565(level) : 0;
        else line8[x] = level;
      }
      screen.send(line);
    }
    screen.end();
  }, MIRROR_MS);
}
