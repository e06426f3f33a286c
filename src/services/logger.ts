// What the background loops log through. The server's logger (server/logger.ts) implements it;
// the type lives here, below the server, so services never import the layer that wires them.
export type LogLevel = "debug" | "info" | "warn" | "error";
export interface Logger {
  debug(msg: string, detail?: unknown): void;
  info(msg: string, detail?: unknown): void;
  warn(msg: string, detail?: unknown): void;
  error(msg: string, detail?: unknown): void;
}
