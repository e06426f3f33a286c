// Block secrets at rest (DESIGN invariant 6): the key lives in $ORDO_HOME/secret.key or
// ORDO_ENCRYPTION_KEY, never in the database, so a copy of the database alone reveals nothing and
// a server without the key refuses it; old databases with the key in a Configuration row are
// migrated; the SQLite file, its folder and the key file are owner-only.
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { prepareSqliteFile } from "../../src/db/sqlite-file.js";
import { createKeyFile } from "../../src/domain/blocks/key-file.js";
import { buildApp } from "../../src/server/app.js";
import { createLogger } from "../../src/server/logger.js";
import { ENCRYPTION_KEY } from "../../src/tokens.js";
import { graphql } from "../harness/documents.js";
import { sameKeyAs } from "../harness/same-key.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";

const HELLO = "./test/fixtures/plugins/ordo-plugin-hello";
const SECRET = "tok-At-Rest-4242";
const sqlite = inject("provider") === "sqlite";

const CREATE = graphql(`
  mutation Create($input: CreateBlockDocumentInput!) { createBlockDocument(input: $input) { id } }
`);
const REVEAL = graphql(`
  query Reveal($id: ID!) { blockDocument(id: $id, includeSecrets: true) { data } }
`);

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ordo-at-rest-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/**
 * An app of this file: the hello plugin (a secret field), auth off (no API keys in play here).
 * Apps given a `home` of the test's are stopped with app.stop(): close() removes the home.
 */
function app(overrides: Parameters<typeof createTestApp>[0] = {}): Promise<TestApp> {
  return createTestApp({ plugins: [HELLO], auth: false, ...overrides });
}

async function createSecret(t: TestApp, name: string): Promise<string> {
  const { createBlockDocument } = await t.ok(CREATE, {
    input: { blockTypeSlug: "hello-greeting", name, data: { greeting: "Hi", apiToken: SECRET } },
  });
  return createBlockDocument.id;
}

async function revealed(t: TestApp, id: string): Promise<unknown> {
  return (await t.ok(REVEAL, { id })).blockDocument.data.apiToken;
}

async function rawData(t: TestApp, id: string): Promise<string> {
  const rows = await t.app.database.client.$queryRaw<
    Array<{ data: unknown }>
  >`SELECT "data" FROM "BlockDocument" WHERE "id" = ${id}`;
  const value = rows[0]!.data;
  return typeof value === "string" ? value : JSON.stringify(value);
}

const modeOf = (p: string) => statSync(p).mode & 0o777;
const keyOf = (t: TestApp) => t.app.container.resolve(ENCRYPTION_KEY).toString("base64");

describe("a copy of the database alone", () => {
  it("holds no key and no plain secret, and a server with another home and no ORDO_ENCRYPTION_KEY refuses it", async () => {
    const a = await app();
    try {
      const id = await createSecret(a, "copied");
      const raw = await rawData(a, id);
      expect(raw).not.toContain(SECRET);
      expect(raw).toContain("ordo:v1:");

      // SQLite: the database file itself, copied (after a checkpoint, so nothing stays in the -wal);
      // PostgreSQL: the same database
      let databaseUrl = a.databaseUrl;
      if (sqlite) {
        await a.app.database.client.$queryRawUnsafe("PRAGMA wal_checkpoint(TRUNCATE)");
        const copy = path.join(tempDir(), "copy.db");
        copyFileSync(a.databaseUrl.slice("file:".length), copy);
        const bytes = readFileSync(copy);
        expect(bytes.includes(SECRET)).toBe(false);
        expect(bytes.includes(keyOf(a))).toBe(false);
        databaseUrl = `file:${copy}`;
      }
      const rows = await a.app.database.client.configuration.findMany();
      expect(JSON.stringify(rows)).not.toContain(keyOf(a));

      const home = tempDir();
      const refused = await app({ databaseUrl, home }).then(
        () => null,
        (e: Error) => e,
      );
      expect(refused?.message).toContain("this database was used with an encryption key that is not configured here");
      expect(refused?.message).toContain("ORDO_ENCRYPTION_KEY");
      expect(refused?.message).toContain(path.join(home, "secret.key"));
      // it generated no key of its own on the way
      expect(existsSync(path.join(home, "secret.key"))).toBe(false);

      // with the key, the same data reads fine
      const b = await app({ databaseUrl, ...sameKeyAs(a) });
      try {
        expect(await revealed(b, id)).toBe(SECRET);
      } finally {
        await b.close();
      }
    } finally {
      await a.close();
    }
  });
});

describe("a database from before secret.key (key in the Configuration row)", () => {
  /** A database whose secrets are under `key`, kept the old way: in the row, no key check. */
  async function oldStyleDatabase(key: string): Promise<{ databaseUrl: string; id: string }> {
    const old = await app({ encryptionKey: key });
    const id = await createSecret(old, "legacy");
    const db = old.app.database.client;
    await db.configuration.deleteMany({ where: { key: "block-encryption-key-check" } });
    await db.configuration.create({ data: { key: "block-encryption-key", value: key } });
    // two SQLite apps in one process would wait on each other's locks: one at a time
    await old.close();
    return { databaseUrl: old.databaseUrl, id };
  }

  it("moves the key to secret.key (0600), deletes the row, reads the old secrets, and does it once", async () => {
    const oldKey = randomBytes(32).toString("base64");
    const { databaseUrl, id } = await oldStyleDatabase(oldKey);
    const home = path.join(tempDir(), "home");
    for (let boot = 0; boot < 2; boot++) {
      const t = await app({ databaseUrl, home });
      try {
        expect(readFileSync(path.join(home, "secret.key"), "utf8")).toBe(`${oldKey}\n`);
        expect(modeOf(path.join(home, "secret.key"))).toBe(0o600);
        expect(modeOf(home)).toBe(0o700);
        expect(
          await t.app.database.client.configuration.findUnique({ where: { key: "block-encryption-key" } }),
        ).toBeNull();
        expect(await revealed(t, id)).toBe(SECRET);
      } finally {
        await t.app.stop();
      }
    }
  });

  it("with another key already configured, re-encrypts the old secrets under it before deleting the row", async () => {
    const oldKey = randomBytes(32).toString("base64");
    const newKey = randomBytes(32).toString("base64");
    const { databaseUrl, id } = await oldStyleDatabase(oldKey);
    const home = tempDir();
    const t = await app({ databaseUrl, home, encryptionKey: newKey });
    try {
      expect(await revealed(t, id)).toBe(SECRET);
      expect(
        await t.app.database.client.configuration.findUnique({ where: { key: "block-encryption-key" } }),
      ).toBeNull();
      expect(existsSync(path.join(home, "secret.key"))).toBe(false);
    } finally {
      await t.app.stop();
    }
    // the secrets are under the new key now: the old one is refused
    const refused = await app({ databaseUrl, encryptionKey: oldKey }).then(
      () => null,
      (e: Error) => e,
    );
    expect(refused?.message).toMatch(
      /^Block secrets: ORDO_ENCRYPTION_KEY is not the key this database's secrets were encrypted with/,
    );
  });
});

describe("ORDO_ENCRYPTION_KEY", () => {
  it("wins over secret.key, which stays as it is; with no file, none is written", async () => {
    const envKey = randomBytes(32).toString("base64");
    const withFile = tempDir();
    const fileKey = `${randomBytes(32).toString("base64")}\n`;
    writeFileSync(path.join(withFile, "secret.key"), fileKey, { mode: 0o600 });
    const withoutFile = tempDir();
    for (const home of [withFile, withoutFile]) {
      const t = await app({ home, encryptionKey: envKey });
      try {
        expect(keyOf(t)).toBe(envKey);
        expect(await revealed(t, await createSecret(t, "env"))).toBe(SECRET);
      } finally {
        await t.app.stop();
      }
    }
    expect(readFileSync(path.join(withFile, "secret.key"), "utf8")).toBe(fileKey);
    expect(existsSync(path.join(withoutFile, "secret.key"))).toBe(false);
  });
});

describe("secret.key", () => {
  it("is created once when two servers start at once on one home: both get the winner's key", async () => {
    const file = path.join(tempDir(), "fresh", "secret.key");
    const [a, b] = await Promise.all([createKeyFile(file, randomBytes(32)), createKeyFile(file, randomBytes(32))]);
    expect(a.key.equals(b.key)).toBe(true);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(readFileSync(file, "utf8")).toBe(`${a.key.toString("base64")}\n`);
    expect(modeOf(file)).toBe(0o600);
  });
});

describe("file modes", () => {
  // the default database path under a home Ordo creates; SQLite only (and one real migration)
  it.skipIf(!sqlite)("a fresh home is 0700, and ordo.db, its -wal/-shm and secret.key are 0600", async () => {
    const home = path.join(tempDir(), "new-home");
    const config = loadConfig({
      ORDO_HOME: home,
      ORDO_PORT: "0",
      ORDO_LOG_LEVEL: "error",
      ORDO_GRAPHIQL: "false",
      ORDO_SERVICES: "false",
      ORDO_AUTH: "off",
    });
    expect(config.databaseUrl).toBe(`file:${path.join(home, "ordo.db")}`);
    const server = await buildApp(config, { logger: createLogger("error") });
    try {
      expect(modeOf(home)).toBe(0o700);
      expect(modeOf(path.join(home, "secret.key"))).toBe(0o600);
      for (const f of ["ordo.db", "ordo.db-wal", "ordo.db-shm"])
        expect([f, modeOf(path.join(home, f))]).toEqual([f, 0o600]);
    } finally {
      await server.stop();
    }
  });

  it("only the folders Ordo creates are tightened; an existing database file is left as it is", () => {
    const mine = tempDir();
    chmodSync(mine, 0o755);
    prepareSqliteFile(`file:${path.join(mine, "a", "b", "x.db")}`);
    expect(modeOf(mine)).toBe(0o755);
    expect(modeOf(path.join(mine, "a"))).toBe(0o700);
    expect(modeOf(path.join(mine, "a", "b"))).toBe(0o700);
    expect(modeOf(path.join(mine, "a", "b", "x.db"))).toBe(0o600);
    writeFileSync(path.join(mine, "theirs.db"), "", { mode: 0o640 });
    prepareSqliteFile(`file:${path.join(mine, "theirs.db")}`);
    expect(modeOf(path.join(mine, "theirs.db"))).toBe(0o640);
  });
});
