export {
    ApiCredentials,
    ApiEndpointWithCredentials,
    createSignedFetch,
    CredentialsProvider,
    SignedFetch,
    SignedFetchOptions,
    SignedRequestInit,
    TemporaryCredentials,
} from "./signedFetch";
export { postmanEnvironment, PostmanEnvironment } from "./postman";
export { fromCredentialProcess } from "./credentialProcess";
export { EndpointChoice } from "./endpoint";
