// Log ids that sort in the order the server stored the lines: logs are read by timestamp, then id,
// and lines stamped in the same millisecond must come back as they were written. A UUID version 7
// (48-bit milliseconds, then a 12-bit counter that keeps ids of one millisecond increasing, then
// random bits) compares as text in creation order, with no schema change.
import { randomBytes } from "node:crypto";

let lastMs = 0;
let counter = 0;

/** A UUIDv7 greater (as text) than every id this process made before. */
export function nextLogId(now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    counter = 0;
  } else if (++counter > 0xfff) {
    // 4,096 ids in one millisecond: borrow the next one, staying increasing
    lastMs += 1;
    counter = 0;
  }
  const random = randomBytes(8);
  const hex =
    lastMs.toString(16).padStart(12, "0") +
    (0x7000 | counter).toString(16) +
    ((random[0]! & 0x3f) | 0x80).toString(16).padStart(2, "0") +
    random.subarray(1).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
