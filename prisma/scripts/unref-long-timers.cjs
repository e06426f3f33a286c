// Preloaded into every Prisma CLI call: the wasm schema engine arms long timers it never unrefs,
// which keeps `migrate deploy` alive for 10–60 s after it has finished (stack-notes P3).
const orig = globalThis.setTimeout;
globalThis.setTimeout = function (fn, ms, ...args) {
  const t = orig.call(this, fn, ms, ...args);
  if (typeof ms === "number" && ms >= 1000 && t && t.unref && (new Error().stack || "").includes("wasm://")) t.unref();
  return t;
};
