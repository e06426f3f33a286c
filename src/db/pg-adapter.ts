// The PostgreSQL driver adapter, with two workarounds for @prisma/adapter-pg 6.19 that the Prisma
// CLI needs (prisma/orm#27403 "Column type 'name' could not be deserialized", and a shadow
// database that connects to the main one; harmless at run time, see stack-notes §6), and one the
// server needs: connections that die inside a transaction are given back to the pool.
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { pgConfigFromUrl } from "./pg-config.js";

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

type Transaction = Awaited<ReturnType<Awaited<ReturnType<PrismaPg["connect"]>>["startTransaction"]>>;

/**
 * Prisma ends a transaction by sending COMMIT or ROLLBACK and only then calls commit()/rollback(),
 * which give the connection back to the pool. When that statement fails because the connection
 * died mid-transaction (pg_terminate_backend, a database restart), they are never called and the
 * pool has lost the connection for good: after `max` such losses every request waits forever.
 * So a failed COMMIT/ROLLBACK releases the connection itself, with the error, which destroys it.
 */
function releaseWhenEndFails(tx: Transaction): Transaction {
  const conn = (tx as unknown as { client: pg.PoolClient }).client;
  const release = conn.release.bind(conn);
  let released = false;
  // pg-pool throws on a second release; commit()/rollback() may still come after ours
  conn.release = (err?: Error | boolean) => {
    if (released) return;
    released = true;
    release(err);
  };
  const executeRaw = tx.executeRaw.bind(tx);
  tx.executeRaw = async (query) => {
    try {
      return await executeRaw(query);
    } catch (e) {
      if (query.sql === "COMMIT" || query.sql === "ROLLBACK") conn.release(e instanceof Error ? e : true);
      throw e;
    }
  };
  return tx;
}

class PrismaPgWithShadowFix extends PrismaPg {
  constructor(private readonly shadowBase: pg.PoolConfig) {
    super(shadowBase);
  }

  override async connect() {
    const adapter = await super.connect();
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) => releaseWhenEndFails(await startTransaction(isolationLevel));
    return adapter;
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
  // without a connect timeout an unroutable host holds each request for the OS's TCP timeout (minutes)
  return new PrismaPgWithShadowFix({
    connectionTimeoutMillis: 10_000,
    ...pgConfigFromUrl(url),
    ...extra,
    Client: NameAsTextClient,
  });
}
