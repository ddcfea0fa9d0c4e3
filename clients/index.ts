export { ApiCredentials, createSignedFetch, SignedFetch, SignedRequestInit } from "./signedFetch";
export { postmanEnvironment, PostmanEnvironment } from "./postman";
