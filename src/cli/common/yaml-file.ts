// Reads YAML definition files (several documents per file allowed) and validates each document
// against a JSON Schema, reporting problems as `file:line:column: message` so people can find them.
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from "yaml";
import { readTextFile } from "./read-text-file.js";
import { CliError } from "./errors.js";
import { checkJsonIntake } from "./json-intake.js";

export interface YamlDocument {
  file: string;
  /** 0-based position of the document in its file. */
  index: number;
  value: unknown;
  /**
   * `file:line:column` of the node at a JSON pointer-like path (falls back to the nearest parent);
   * with `key`, of the last segment's key rather than its value (an unknown field's own line).
   */
  locate(path: Array<string | number>, options?: { key?: boolean }): string;
}

const ajv = new Ajv2020({ allErrors: true, strict: false });

export async function readYamlFile(file: string): Promise<YamlDocument[]> {
  const text = await readTextFile(file);
  return parseYaml(file, text);
}

export function parseYaml(file: string, text: string): YamlDocument[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false });
  if (!Array.isArray(docs)) return []; // an empty stream
  const out: YamlDocument[] = [];
  docs.forEach((doc, index) => {
    const bad = doc.errors[0];
    if (bad) {
      const pos = lines.linePos(bad.pos[0]);
      throw new CliError(`${file}:${pos.line}:${pos.col}: ${bad.message.split("\n")[0]}`);
    }
    const value = doc.toJS();
    // a "---" at the end or a comment-only document is not a definition
    if (value === null || value === undefined) return;
    const at = (p: Array<string | number>, o?: { key?: boolean }) => locate(file, doc, lines, p, o?.key ?? false);
    checkJsonIntake(value, file, (segments) => at(segments, { key: true }));
    out.push({ file, index, value, locate: at });
  });
  return out;
}

function locate(file: string, doc: Document, lines: LineCounter, path: Array<string | number>, atKey: boolean): string {
  let node: Node | null | undefined = doc.contents as Node | null;
  let found = node;
  for (const [i, key] of path.entries()) {
    if (atKey && i === path.length - 1 && isMap(node)) {
      const keyNode: unknown = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key))?.key;
      node = isScalar(keyNode) ? keyNode : undefined;
    } else if (isMap(node)) node = node.get(key, true) as Node | undefined;
    else if (isSeq(node)) node = node.get(Number(key), true) as Node | undefined;
    else node = undefined;
    if (!node) break;
    found = node;
  }
  const pos = lines.linePos(found?.range?.[0] ?? 0);
  return `${file}:${pos.line}:${pos.col}`;
}

/** Validates one document; throws a CliError listing every problem with its place in the file. */
export function validateDocument(doc: YamlDocument, schema: object, what: string): void {
  const problems = documentProblems(doc, schema);
  if (problems.length) throw new CliError(`${what} is not valid:\n  ${problems.join("\n  ")}`);
}

/** Each way a document breaks the schema, as `file:line:column: message` (none: it is valid). */
export function documentProblems(doc: YamlDocument, schema: object): string[] {
  const validate = ajv.compile(schema);
  if (validate(doc.value)) return [];
  return [...new Set((validate.errors ?? []).map((e) => describe(doc, e)))];
}

function describe(doc: YamlDocument, e: ErrorObject): string {
  const path = e.instancePath
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  const field = path.join(".") || "(document)";
  if (e.keyword === "additionalProperties") {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    return `${doc.locate([...path, extra], { key: true })}: unknown field "${[...path, extra].join(".")}"`;
  }
  return `${doc.locate(path)}: ${field} ${e.message}`;
}
