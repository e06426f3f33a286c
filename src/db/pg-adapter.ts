// The PostgreSQL driver adapter, with two workarounds for @prisma/adapter-pg 6.19 that the Prisma
// CLI needs (prisma/orm#27403 "Column type 'name' could not be deserialized", and a shadow
// database that connects to the main one); harmless at run time. See stack-notes §6.
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";

// "char", name, regproc, regclass, regtype (and their arrays) → text
const REMAP: Record<number, number> = { 18: 25, 19: 25, 24: 25, 2205: 25, 2206: 25, 1002: 1009, 1003: 1009 };

function remapFieldTypes<T>(result: T): T {
  for (const r of (Array.isArray(result) ? result : [result]) as Array<{ fields?: pg.FieldDef[] }>) {
    for (const f of r?.fields ?? []) {
      const to = REMAP[f.dataTypeID];
      if (to !== undefined) f.dataTypeID = to;
    }
  }
  return result;
}

export class NameAsTextClient extends pg.Client {
  // pg's query() has many overloads; forward every shape and fix the result's field types.
  override query(config: any, values?: any, callback?: any): any {
    if (typeof values === "function") {
      return super.query(config, (e: Error, r: any) => values(e, e ? r : remapFieldTypes(r)));
    }
    if (typeof callback === "function") {
      return super.query(config, values, (e: Error, r: any) => callback(e, e ? r : remapFieldTypes(r)));
    }
    const out: any = super.query(config, values);
    return out && typeof out.then === "function" ? out.then(remapFieldTypes) : out;
  }
}

/** Discrete connection fields: connectToShadowDb overrides `database`, which a connectionString would win over. */
export function pgConfigFromUrl(url: string): pg.PoolConfig {
  const u = new URL(url);
  const sslmode = u.searchParams.get("sslmode");
  return {
    host: decodeURIComponent(u.hostname) || "127.0.0.1",
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username) || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database: decodeURIComponent(u.pathname.slice(1)) || undefined,
    ssl: sslmode && sslmode !== "disable" ? { rejectUnauthorized: sslmode === "verify-full" } : undefined,
  };
}

class PrismaPgWithShadowFix extends PrismaPg {
  constructor(private readonly shadowBase: pg.PoolConfig) {
    super(shadowBase);
  }

  // End the shadow pool before dropping the shadow database (else "being accessed by other users").
  override async connectToShadowDb() {
    const main = await this.connect();
    const name = `prisma_migrate_shadow_db_${crypto.randomUUID()}`;
    await main.executeScript(`CREATE DATABASE "${name}"`);
    const shadow = await new PrismaPg({ ...this.shadowBase, database: name }).connect();
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose();
      await main.executeScript(`DROP DATABASE IF EXISTS "${name}"`);
      await main.dispose();
    };
    return shadow;
  }
}

export function createPgAdapter(url: string, extra: pg.PoolConfig = {}): PrismaPg {
  return new PrismaPgWithShadowFix({ ...pgConfigFromUrl(url), ...extra, Client: NameAsTextClient });
}
