// What a second app on another app's database needs to start: the same block-secret key. Each
// test app has a home of its own, so without it the second one finds no secret.key, and the
// server refuses a database used with a key it does not have.
import { ENCRYPTION_KEY } from "../../src/tokens.js";
import type { TestApp } from "./test-app.js";

/** createTestApp overrides (ORDO_ENCRYPTION_KEY) for an app sharing `of`'s database */
export function sameKeyAs(of: Pick<TestApp, "app">): { encryptionKey: string } {
  return { encryptionKey: of.app.container.resolve(ENCRYPTION_KEY).toString("base64") };
}
