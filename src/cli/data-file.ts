// Reads one JSON or YAML value from a file given on the command line (block data, a pool's base
// job template), with errors that name the file, and the line for YAML.
import { readTextFile } from "./common/read-text-file.js";
import { CliError } from "./common/errors.js";
import { checkJsonIntake } from "./common/json-intake.js";

export async function readDataFile(file: string): Promise<unknown> {
  const text = await readTextFile(file);
  if (file.endsWith(".json")) {
    let value: unknown;
    try {
      value = JSON.parse(text) as unknown;
    } catch (e) {
      throw new CliError(`${file} is not valid JSON: ${(e as Error).message}`);
    }
    checkJsonIntake(value, file);
    return value;
  }
  // YAML (a JSON superset) for .yaml, .yml and anything else
  // loaded here: the YAML parser and its schema checks cost every other command's start
  const { parseYaml } = await import("./common/yaml-file.js");
  const docs = parseYaml(file, text);
  if (docs.length !== 1) throw new CliError(`${file} must hold one YAML document, not ${docs.length}`);
  return docs[0]!.value;
}
