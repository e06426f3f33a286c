// The abusive query shapes measured against the server (depth fan-out, alias floods, token floods,
// nested page sizes), each valid against the schema but for its size; shared by the unit and e2e tests.

/** workPools → queues → workPool → queues …: `depth` levels counting the leaf, a list at every other one. */
export function deepFanOut(depth: number): string {
  let inner = "name";
  for (let level = depth - 2; level >= 1; level--) inner = `${level % 2 ? "queues" : "workPool"} { name ${inner} }`;
  return `{ workPools { ${inner} } }`;
}

/** The same depth without the fan-out (defaultQueue and workPool are single objects): cheap but deep. */
export function deepChain(depth: number): string {
  let inner = "name";
  for (let level = depth - 2; level >= 1; level--) inner = `${level % 2 ? "defaultQueue" : "workPool"} { ${inner} }`;
  return `{ workPools { ${inner} } }`;
}

export const manyFlowRunAliases = (n: number): string =>
  `{ ${Array.from({ length: n }, (_, i) => `a${i}: flowRuns(first: 100) { edges { node { id name } } }`).join(" ")} }`;

export const manyWorkPoolAliases = (n: number): string =>
  `{ ${Array.from({ length: n }, (_, i) => `a${i}: workPools { name }`).join(" ")} }`;

/** `n` + 16 tokens, most of them in one list literal (no repeated fields, no aliases). */
export const manyTokens = (n: number): string =>
  `{ flowRuns(filter: { tags: [${Array(n).fill('"t"').join(" ")}] }) { totalCount } }`;

/** 1,240 times the same field (4,962 tokens): graphql-js would compare every pair (~0.4 s). */
export const sameFieldRepeated = `{ ${Array(1240).fill("workPools { name }").join(" ")} }`;

export const nested200 =
  "{ flows(first: 200) { edges { node { deployments(first: 200) { edges { node { flowRuns(first: 200) { edges { node { id } } } } } } } } } }";

/** The shapes the issue reports, by name, with what refuses each. */
export const ATTACKS: Array<[name: string, query: string, message: RegExp]> = [
  ["depth 50 fan-out through workPools/queues", deepFanOut(50), /query depth 50 exceeds the maximum 15/],
  // ~14,000 tokens: the token limit refuses it while parsing, before the alias count is reached
  ["1,000 aliases of flowRuns(first: 100)", manyFlowRunAliases(1000), /maximum 5000 tokens/],
  ["50,000 aliases of workPools", manyWorkPoolAliases(50_000), /maximum 5000 tokens/],
  ["100,000 tokens", manyTokens(100_000), /query has more than the maximum 5000 tokens/],
  ["first: 200 nested three levels", nested200, /query cost \d+ exceeds the maximum 50000/],
  [
    "1,240 times the same field",
    sameFieldRepeated,
    /query selects "workPools" 1240 times in one place, more than the maximum 20/,
  ],
];
