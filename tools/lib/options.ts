/* Parsers for the command line's option values, shared by every verb (commander's argParser). */
import { InvalidArgumentError } from "commander";
import { quote } from "./text.js";

/** A whole number from min to max; the error names the option, its range and what was given. */
export function whole(name: string, min: number, max: number) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}, not ${quote(v)}`);
    return n;
  };
}
