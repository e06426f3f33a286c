// Revoking a key ends what it has open: every subscription it started (over SSE or graphql-ws)
// gets one UNAUTHENTICATED error and completes, on every replica (the event goes through the bus).
import { GraphQLError, type ExecutionResult } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { EventBus } from "../events/event-bus.js";
import type { GraphQLContext } from "../graphql/context.js";

export function endSubscriptionsOnRevocation(events: EventBus): Plugin<GraphQLContext> {
  return {
    onSubscribe() {
      return {
        onSubscribeResult({ args, result, setResult }) {
          const keyId = (args.contextValue as GraphQLContext).principal?.keyId;
          if (!keyId || !(Symbol.asyncIterator in result)) return;
          setResult(untilRevoked(result, keyId, events));
        },
      };
    },
  };
}

const never = new Promise<never>(() => {});

async function* untilRevoked(
  source: AsyncIterable<ExecutionResult>,
  keyId: string,
  events: EventBus,
): AsyncGenerator<ExecutionResult> {
  const revocations = events.subscribe("api-key.revoked");
  const revoked = (async () => {
    for await (const e of revocations) if (e.keyId === keyId) return "revoked" as const;
    return never;
  })();
  const it = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await Promise.race([it.next(), revoked]);
      if (next === "revoked") {
        yield {
          errors: [
            new GraphQLError("the API key of this subscription was revoked", {
              extensions: { code: "UNAUTHENTICATED" },
            }),
          ],
        };
        return;
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await it.return?.();
    await revocations.return?.();
  }
}
