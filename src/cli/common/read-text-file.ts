// Reads a file named on the command line, failing with one line that names it ("no such file").
import { readFile } from "node:fs/promises";
import { CliError } from "./errors.js";

export async function readTextFile(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (e) {
    throw new CliError(
      `cannot read ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`,
    );
  }
}
