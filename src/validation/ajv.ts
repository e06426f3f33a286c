// The one place JSON documents meet JSON Schema: a draft 2020-12 Ajv, a compile-once cache, schema
// checks, and errors turned into `{ path: "/json/pointer", message }` naming every failing field.
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ErrorObject, ValidateFunction } from "ajv";
import addFormatsImport from "ajv-formats";

// ajv-formats is CommonJS with a default export; NodeNext sees the module object (stack-notes P17).
const addFormats = ((addFormatsImport as any).default ?? addFormatsImport) as typeof import("ajv-formats").default;

export interface ValidationIssue {
  /** JSON pointer into the validated document ("" is the document itself) */
  path: string;
  message: string;
}

/**
 * User-supplied schemas (parameter schemas, block schemas) come from many generators, so unknown
 * keywords are tolerated (strict off) — but the schema must still be a valid 2020-12 schema.
 */
export function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: true });
  addFormats(ajv);
  return ajv;
}

export class JsonSchemaValidator {
  private readonly ajv = createAjv();
  private readonly cache = new Map<string, ValidateFunction>();

  /** Problems with a schema itself: not an object, fails the meta-schema, or does not compile. */
  checkSchema(schema: unknown): ValidationIssue[] {
    if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
      return [{ path: "", message: "must be a JSON Schema object" }];
    }
    const valid = this.ajv.validateSchema(schema);
    if (!valid) return toIssues(this.ajv.errors ?? []);
    try {
      this.compile(schema);
      return [];
    } catch (e) {
      return [{ path: "", message: (e as Error).message }];
    }
  }

  /**
   * Validates `value` against `schema`; [] when valid. `ignoreRequired` drops missing-property
   * problems: a deployment's stored values are checked at apply time, and a run may add the rest.
   */
  validate(schema: object, value: unknown, opts: { ignoreRequired?: boolean } = {}): ValidationIssue[] {
    const fn = this.compile(schema);
    if (fn(value)) return [];
    const errors = fn.errors ?? [];
    return toIssues(opts.ignoreRequired ? errors.filter((e) => e.keyword !== "required") : errors);
  }

  private compile(schema: object): ValidateFunction {
    const key = JSON.stringify(schema);
    let fn = this.cache.get(key);
    if (!fn) {
      // $id would collide across schemas registered in one Ajv instance; the cache is keyed by content.
      const { $id: _ignored, ...rest } = schema as Record<string, unknown>;
      fn = this.ajv.compile(rest);
      if (this.cache.size > 500) this.cache.clear();
      this.cache.set(key, fn);
    }
    return fn;
  }
}

/** A missing required property is reported at the property's own pointer, not at its parent. */
export function toIssues(errors: ErrorObject[]): ValidationIssue[] {
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  for (const e of errors) {
    let path = e.instancePath;
    if (e.keyword === "required" && typeof e.params.missingProperty === "string") {
      path = `${path}/${escapePointer(e.params.missingProperty)}`;
    } else if (e.keyword === "additionalProperties" && typeof e.params.additionalProperty === "string") {
      path = `${path}/${escapePointer(e.params.additionalProperty)}`;
    }
    const message = e.message ?? "is invalid";
    const key = `${path}\u0000${message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push({ path, message });
    }
  }
  return issues;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}
