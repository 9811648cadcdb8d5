export { type BodyBudget, createBodyBudget, FETCH_BODY_BUDGET } from './body-budget.js';
export { type AddressClass, classifyAddress } from './classify-address.js';
export { decodeText } from './decode-text.js';
export { CREDENTIAL_HEADERS, requestHeaders, responseHeaders } from './fetch-headers.js';
export { type PinnedAddress, type PinOptions, pinAddress } from './pin-address.js';
export { type ReadBody, readBody } from './read-body.js';
export {
  type SafeFetchInit,
  type SafeFetchOptions,
  type SafeFetchResponse,
  safeFetch,
} from './safe-fetch.js';
