// Builds the dashboard (src/ui) into dist/ui, which the server serves at / (src/server/dashboard.ts).
// Every asset is bundled: the page loads nothing from another origin.
import { defineConfig } from "vite";

export default defineConfig({
  root: import.meta.dirname,
  base: "/",
  publicDir: "public",
  logLevel: "warn",
  build: {
    outDir: "../../dist/ui",
    emptyOutDir: true,
    // one app for operators, not a public site: a single bundle keeps the served file list short
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      // react-router marks its modules "use client" for server components; a browser bundle has no use for it
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
    },
  },
  oxc: { jsx: { runtime: "automatic" } },
  // `npm run dev:ui`: the page with hot reload on :5173, GraphQL (and its WebSocket) from a server on
  // :4200 (or ORDO_DEV_API_ORIGIN)
  server: { proxy: { "/graphql": { target: process.env.ORDO_DEV_API_ORIGIN ?? "http://127.0.0.1:4200", ws: true } } },
});
