// Reading JSON columns that hold string lists (tags) as GraphQL [String!]!.
import { asStringArray } from "../../domain/json.js";

export const stringList = (v: unknown): string[] => asStringArray(v);
