/* `moodface i2c replay`: an I2C log back into a virtual SSD1306, and a picture of its glass. */
import { WIDTH } from "../../modules/common/geometry.js";
import { Command, Option } from "commander";
import { VirtualSSD1306 } from "../../modules/virtual/ssd1306.js";
import { replay, streamLog } from "../display/i2c-log.js";
import { glassPng, TINTS, type Tint } from "../display/png.js";
import { UsageError } from "../lib/data.js";
import { checkOutputFile, writeFile } from "../lib/files.js";
import { quote } from "../lib/text.js";

const hex = (a: number) => a.toString(16).padStart(2, "0");

export function addI2cCommands(program: Command): void {
  const i2c = program.command("i2c").description("I2C logs of the display (docs/formats/i2c-log.md)");
  i2c
    .command("replay")
    .description("feed a recorded log into a fresh virtual SSD1306 and write a PNG of its glass")
    .argument("<log>", "a JSON Lines I2C log (moodface sim --i2c-log)")
    .requiredOption("-o, --output <file.png>", "where to write the picture")
    .option("--address <hex>", "the panel's 7-bit address", "3c")
    .option("--height <rows>", "64 or 32", "64")
    .option("--scale <n>", "pixel size in the picture", "4")
    .addOption(new Option("--tint <colour>", "OLED colour").choices(Object.keys(TINTS)).default("blue"))
    .action(async (file: string, o: { output: string; address: string; height: string; scale: string; tint: Tint }) => {
      const address = /^(0x)?[0-7]?[0-9a-f]$/i.test(o.address) ? parseInt(o.address.replace(/^0x/i, ""), 16) : NaN;
      if (!(address >= 0 && address <= 0x7f)) throw new UsageError(`--address must be a 7-bit address in hex such as 3c, not ${quote(o.address)}`);
      if (o.height !== "64" && o.height !== "32") throw new UsageError(`--height must be 64 or 32, not ${quote(o.height)}`);
      const scale = Number(o.scale);
      if (!Number.isInteger(scale) || scale < 1 || scale > 16) throw new UsageError(`--scale must be a whole number from 1 to 16, not ${quote(o.scale)}`);
      checkOutputFile(o.output);
      const panel = new VirtualSSD1306(WIDTH, Number(o.height));
      const seen = new Map<number, number>();
      const counted = function* () {
        for (const tx of streamLog(file)) {
          seen.set(tx.address, (seen.get(tx.address) ?? 0) + 1);
          yield tx;
        }
      };
      const n = replay(counted(), address, panel);
      if (n === 0) {
        const others = [...seen].map(([a, k]) => `0x${hex(a)} (${k})`).join(", ");
        throw new UsageError(`${file}: no transactions for address 0x${hex(address)}; ${others ? `the log has ${others}: try --address ${hex([...seen].sort((a, b) => b[1] - a[1])[0][0])}` : "the log is empty"}`);
      }
      await writeFile(o.output, glassPng(panel, scale, o.tint));
      const c = panel.counters;
      process.stdout.write(`${o.output}: ${n} transactions, ${c.bytes} bytes, ${c.unknown} unknown and ${c.malformed} malformed\n`);
      for (const p of panel.problems) process.stdout.write(`  ${p}\n`);
    });
}
