// Types of check-layers.mjs, for the contract test that runs it (test/contract/check-layers.test.ts).
export interface ImportEdge {
  spec: string;
  line: number;
  kind: "import" | "import type" | "re-export" | "re-export type" | "dynamic import" | "import type()";
  typeOnly: boolean;
}
export interface LayerViolation {
  /** relative to the checked root, with "/" separators */
  file: string;
  line: number;
  spec: string;
  kind: string;
  rule: string;
  /** `file:line: kind "spec" — rule` */
  message: string;
}
export const ALLOWED: Record<string, string[] | null>;
export function importsOf(text: string, fileName?: string): ImportEdge[];
export function checkLayers(root: string): LayerViolation[];
