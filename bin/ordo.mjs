#!/usr/bin/env node
// The `ordo` command: registers tsx's loader (Ordo ships TypeScript sources, and flows are
// TypeScript too), then runs the CLI.
import "reflect-metadata";
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
