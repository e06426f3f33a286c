// Placeholders at deploy time: all checked before any step runs, then rendered fully (build/push, fields) or partly (pull: blocks left for the worker).
import { DeployBlockDocumentDocument } from "../../client/generated/graphql.js";
import type { OrdoClient } from "../../client/ordo-client.js";
import {
  blockValue,
  findReferences,
  KEEP,
  lookup,
  renderTemplates,
  TemplateError,
  type Reference,
} from "../../worker/steps/templating.js";
import { CliError } from "../common/errors.js";
import type { Project } from "./project-file.js";
import type { StepSite } from "./steps.js";

/** What earlier steps output: their ids with the keys each returns, and every key (`{{ key }}`). */
export class KnownOutputs {
  readonly ids = new Map<string, readonly string[]>();
  readonly keys = new Set<string>();

  add(site: StepSite): void {
    if (site.step.id) this.ids.set(site.step.id, site.spec.outputs);
    site.spec.outputs.forEach((k) => this.keys.add(k));
  }

  /** null when the reference names something these steps output */
  problem(ref: Extract<Reference, { kind: "output" }>): string | null {
    const [first, second] = ref.path;
    const outputs = this.ids.get(first!);
    if (outputs)
      return second === undefined || outputs.includes(second)
        ? null
        : `{{ ${ref.raw} }}: step "${first}" outputs ${outputs.join(", ")}, not ${second}`;
    if (this.keys.has(first!)) return null;
    const ids = [...this.ids.keys()];
    return `{{ ${ref.raw} }} is not an output of an earlier step (${ids.length ? `step ids so far: ${ids.join(", ")}` : "no earlier step has an id"})`;
  }
}

export type Mode = { kind: "now" } | { kind: "pull"; pull: KnownOutputs };

/**
 * Checks every placeholder of `value`, which sits at `at` in the document; `label` names it in
 * messages. Block references are collected in `blocks` (slug → where first seen) for one lookup.
 */
export function checkReferences(
  project: Project,
  value: unknown,
  at: Array<string | number>,
  label: string,
  known: KnownOutputs,
  mode: Mode,
  blocks: Map<string, string>,
): void {
  let found;
  try {
    found = findReferences(value, at);
  } catch (e) {
    if (e instanceof TemplateError) throw new CliError(`${project.doc.locate(at)}: ${label}: ${e.message}`);
    throw e;
  }
  for (const { ref, at: where } of found) {
    const fail = (message: string) => {
      throw new CliError(`${project.doc.locate(where)}: ${label}: ${message}`);
    };
    switch (ref.kind) {
      case "env":
        // in pull steps an unset variable is left for the worker's environment
        if (mode.kind === "now" && process.env[ref.name] === undefined)
          fail(`{{ ${ref.raw} }}: environment variable ${ref.name} is not set`);
        break;
      case "variable":
        fail(`{{ ${ref.raw} }}: Ordo has no variables; use an environment variable or a block`);
        break;
      case "block": {
        const slug = `${ref.typeSlug}/${ref.name}`;
        if (!blocks.has(slug)) blocks.set(slug, `${project.doc.locate(where)}: ${label}: {{ ${ref.raw} }}`);
        break;
      }
      case "output": {
        const problem = known.problem(ref);
        if (problem && !(mode.kind === "pull" && !mode.pull.problem(ref))) fail(problem);
      }
    }
  }
}

/** Renders with build/push outputs, the environment and block documents (fetched once each). */
export class DeployTemplates {
  private readonly blocks = new Map<string, Promise<Record<string, unknown> | null>>();

  constructor(private readonly client: OrdoClient) {}

  /** Fails, naming where it is used, on the first referenced block the server does not have. */
  async checkBlocks(blocks: Map<string, string>): Promise<void> {
    for (const [slug, where] of blocks) {
      if (!(await this.block(slug)))
        throw new CliError(`${where}: no block document ${slug} on the server (\`ordo block ls\` lists them)`);
    }
  }

  /** Build and push step arguments, and deployment fields: every placeholder resolved. */
  renderNow(value: unknown, outputs: Record<string, unknown>): Promise<unknown> {
    return renderTemplates(value, async (ref) => {
      switch (ref.kind) {
        case "env": {
          const v = process.env[ref.name];
          if (v === undefined) throw new TemplateError(`{{ ${ref.raw} }}: environment variable ${ref.name} is not set`);
          return v;
        }
        case "block":
          return blockValue(ref, await this.blockOrFail(ref));
        case "variable":
          throw new TemplateError(`{{ ${ref.raw} }}: Ordo has no variables`);
        case "output": {
          const v = lookup(outputs, ref.path);
          if (v === undefined) throw new TemplateError(`{{ ${ref.raw} }} is not an output of an earlier step`);
          return v;
        }
      }
    });
  }

  /** Pull steps: build/push outputs and set $VARs now; blocks and pull steps' own outputs at run time. */
  renderPull(value: unknown, outputs: Record<string, unknown>): Promise<unknown> {
    return renderTemplates(value, (ref) => {
      if (ref.kind === "env") return process.env[ref.name] ?? KEEP;
      if (ref.kind === "output") return lookup(outputs, ref.path) ?? KEEP;
      return KEEP;
    });
  }

  private async blockOrFail(ref: Extract<Reference, { kind: "block" }>): Promise<Record<string, unknown>> {
    const data = await this.block(`${ref.typeSlug}/${ref.name}`);
    if (!data) throw new TemplateError(`{{ ${ref.raw} }}: no block document ${ref.typeSlug}/${ref.name}`);
    return data;
  }

  private block(slug: string): Promise<Record<string, unknown> | null> {
    let found = this.blocks.get(slug);
    if (!found) {
      found = this.client
        .request(DeployBlockDocumentDocument, { slug })
        .then((r) => (r.blockDocument?.data as Record<string, unknown> | undefined) ?? null);
      this.blocks.set(slug, found);
    }
    return found;
  }
}
