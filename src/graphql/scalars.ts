// DateTime (ISO-8601, always returned in UTC) and JSON scalars, from graphql-scalars.
import { DateTimeResolver, JSONResolver } from "graphql-scalars";
import { builder } from "./builder.js";

builder.addScalarType("DateTime", DateTimeResolver, {});
builder.addScalarType("JSON", JSONResolver, {});
