// Lifted to @crm-sync/testing so service suites sign tokens the same way; kept here for the suites that import it.
export { certsOf, forgedIdTokens, generateSigningKey, signIdToken, tamperClaims } from "@crm-sync/testing";
export type { IdTokenClaims, SigningKey, TokenAlgorithm } from "@crm-sync/testing";
