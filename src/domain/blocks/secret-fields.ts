// Secret-field handling lives in the blocks layer (src/blocks/secrets.ts); this keeps the domain's
// existing import path working.
export { SECRET_MASK, maskSecretFields as maskSecrets } from "../../blocks/secrets.js";
