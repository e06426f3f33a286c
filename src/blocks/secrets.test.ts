// Secret fields: encryption round trips, tamper detection, masking, writing the mask back, and
// wildcard paths — and that no secret value ever shows up in an error.
import { describe, expect, it } from "vitest";
import { secretLocations } from "./secret-paths.js";
import {
  decryptSecretFields,
  decryptValue,
  encryptSecretFields,
  encryptValue,
  generateEncryptionKey,
  InvalidEncryptionKeyError,
  MaskedSecretWithoutValueError,
  maskSecretFields,
  mergeMaskedSecrets,
  parseEncryptionKey,
  SecretDecryptionError,
  SECRET_MASK,
} from "./secrets.js";

const key = generateEncryptionKey();
const paths = ["password", "credentials.secretKey", "headers.*", "pool.*.token"];
const data = {
  user: "ada",
  password: "hunter2",
  credentials: { accessKey: "AKIA", secretKey: { nested: ["x", 1] } },
  headers: { Authorization: "Bearer abc", "X-Count": 7 },
  pool: [{ token: "t-one", name: "a" }, { name: "no token" }, { token: null }],
  port: 5432,
};
const ENVELOPE = /^ordo:v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/;

describe("encryption", () => {
  it("round-trips every secret value, strings or not, and leaves other fields alone", () => {
    const stored = encryptSecretFields(data, paths, key);
    expect(stored.password).toMatch(ENVELOPE);
    expect(stored.credentials.secretKey).toMatch(ENVELOPE);
    expect(stored.headers["X-Count"]).toMatch(ENVELOPE);
    expect(stored.pool[0]!.token).toMatch(ENVELOPE);
    expect(stored.pool[2]!.token).toBeNull();
    expect({ user: stored.user, accessKey: stored.credentials.accessKey, port: stored.port }).toEqual({
      user: "ada",
      accessKey: "AKIA",
      port: 5432,
    });
    for (const secret of ["hunter2", "Bearer abc", "t-one", "nested"])
      expect(JSON.stringify(stored)).not.toContain(secret);
    expect(decryptSecretFields(stored, paths, key)).toEqual(data);
    expect(data.password).toBe("hunter2"); // the input is not touched
  });

  it("uses a fresh IV each time", () => {
    expect(encryptValue("same", key)).not.toBe(encryptValue("same", key));
  });

  it("does not encrypt its own envelopes twice, but does encrypt a forged one", () => {
    const stored = encryptSecretFields(data, paths, key);
    expect(encryptSecretFields(stored, paths, key)).toEqual(stored);
    const forged = encryptSecretFields({ password: "ordo:v1:AAAA:BBBB:CCCC" }, ["password"], key);
    expect(forged.password).not.toBe("ordo:v1:AAAA:BBBB:CCCC");
    expect(decryptSecretFields(forged, ["password"], key).password).toBe("ordo:v1:AAAA:BBBB:CCCC");
  });

  it("rejects tampered ciphertext, a tampered tag, a truncated tag and the wrong key, naming only the field", () => {
    const stored = encryptSecretFields({ password: "hunter2" }, ["password"], key);
    const [prefix, version, iv, tag, ciphertext] = stored.password.split(":") as [
      string,
      string,
      string,
      string,
      string,
    ];
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, "base64");
      bytes[0] = bytes[0]! ^ 1;
      return bytes.toString("base64");
    };
    const variants = [
      [prefix, version, iv, tag, flip(ciphertext)],
      [prefix, version, iv, flip(tag), ciphertext],
      [prefix, version, iv, Buffer.from(tag, "base64").subarray(0, 8).toString("base64"), ciphertext],
      [prefix, version, iv, tag],
    ].map((parts) => ({ password: parts.join(":") }));
    for (const tampered of variants) {
      expect(() => decryptSecretFields(tampered, ["password"], key)).toThrow(new SecretDecryptionError("password"));
    }
    const attempt = () => decryptSecretFields(stored, ["password"], generateEncryptionKey());
    expect(attempt).toThrow("secret field password could not be decrypted: wrong encryption key or tampered data");
    expect(attempt).not.toThrow(/hunter2/);
    expect(() => decryptValue(stored.password, key)).not.toThrow();
  });

  it("leaves plain values at secret paths (stored before the path became secret) as they are", () => {
    expect(decryptSecretFields({ password: "legacy" }, ["password"], key)).toEqual({ password: "legacy" });
  });

  it("parses and generates 32-byte keys, never quoting a bad key", () => {
    const generated = generateEncryptionKey();
    expect(parseEncryptionKey(generated.toString("base64")).equals(generated)).toBe(true);
    expect(parseEncryptionKey(` ${generated.toString("base64url")}\n`).equals(generated)).toBe(true);
    const short = Buffer.from("sixteen-byte-key").toString("base64");
    expect(() => parseEncryptionKey(short)).toThrow(new InvalidEncryptionKeyError("it decodes to 16 bytes"));
    expect(() => parseEncryptionKey(short)).not.toThrow(new RegExp(short));
    expect(() => parseEncryptionKey("not base64 at all!")).toThrow(InvalidEncryptionKeyError);
    expect(() => encryptValue("x", Buffer.alloc(16))).toThrow(InvalidEncryptionKeyError);
  });
});

describe("masking", () => {
  it("shows every present secret as the mask, through wildcards, without touching the input", () => {
    expect(maskSecretFields(data, paths)).toEqual({
      ...data,
      password: SECRET_MASK,
      credentials: { accessKey: "AKIA", secretKey: SECRET_MASK },
      headers: { Authorization: SECRET_MASK, "X-Count": SECRET_MASK },
      pool: [{ token: SECRET_MASK, name: "a" }, { name: "no token" }, { token: null }],
    });
    expect(data.password).toBe("hunter2");
    expect(SECRET_MASK).toBe("********");
  });

  it("handles a secret inside another secret once, as a whole", () => {
    expect(secretLocations({ a: { b: 1, c: 2 } }, ["a.*", "a"])).toEqual([["a"]]);
    const stored = encryptSecretFields({ a: { b: 1 } }, ["a.b", "a"], key);
    expect(stored.a).toMatch(ENVELOPE);
    expect(decryptSecretFields(stored, ["a.b", "a"], key)).toEqual({ a: { b: 1 } });
  });
});

describe("writing the mask back", () => {
  const stored = encryptSecretFields(data, paths, key);

  it("keeps the stored value wherever the mask comes back and takes new values elsewhere", () => {
    const incoming = {
      ...maskSecretFields(data, paths),
      password: "new-password",
      headers: { Authorization: SECRET_MASK, "X-New": "v" },
    };
    const merged = mergeMaskedSecrets(incoming, stored, paths);
    expect(merged.password).toBe("new-password");
    expect(merged.credentials.secretKey).toBe(stored.credentials.secretKey);
    expect(merged.headers).toEqual({ Authorization: stored.headers.Authorization, "X-New": "v" });
    expect(merged.pool[0]!.token).toBe(stored.pool[0]!.token);
    expect(decryptSecretFields(encryptSecretFields(merged, paths, key), paths, key)).toEqual({
      ...data,
      password: "new-password",
      headers: { Authorization: "Bearer abc", "X-New": "v" },
    });
  });

  it("refuses the mask where nothing is stored, naming the field", () => {
    expect(() => mergeMaskedSecrets({ headers: { Fresh: SECRET_MASK } }, stored, paths)).toThrow(
      new MaskedSecretWithoutValueError("headers.Fresh"),
    );
  });

  it("treats the mask at a non-secret path as plain data", () => {
    expect(mergeMaskedSecrets({ user: SECRET_MASK }, stored, paths)).toEqual({ user: SECRET_MASK });
  });
});
