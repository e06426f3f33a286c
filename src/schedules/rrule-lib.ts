// The one place that imports rrule, so every runtime gets working classes.
// rrule 2.8.1 is CommonJS with an ESM "module" build: named imports pass tsc and vitest (vite picks
// the ESM build) but crash under plain node/tsx ("Named export 'RRule' not found"), stack-notes P18.
import pkg from "rrule";
import * as ns from "rrule";

const lib = ((pkg as { RRule?: unknown } | undefined)?.RRule ? pkg : ns) as typeof import("rrule");

export const { RRule, RRuleSet, rrulestr, Frequency } = lib;
