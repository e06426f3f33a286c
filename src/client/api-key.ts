// Which API key a client process sends: ORDO_API_KEY, else the admin key the local server wrote to
// $ORDO_HOME/api-key (default ~/.ordo), so on one machine `npm start` + `npx ordo …` needs no setup.
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export function resolveApiKey(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.ORDO_API_KEY) return env.ORDO_API_KEY.trim();
  const home = env.ORDO_HOME ? path.resolve(env.ORDO_HOME) : path.join(os.homedir(), ".ordo");
  try {
    return readFileSync(path.join(home, "api-key"), "utf8").trim() || null;
  } catch {
    return null;
  }
}
