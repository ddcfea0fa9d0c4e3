export {
    ApiCredentials,
    ApiEndpointWithCredentials,
    createSignedFetch,
    CredentialsProvider,
    SignedFetch,
    SignedRequestInit,
    TemporaryCredentials,
} from "./signedFetch";
export { postmanEnvironment, PostmanEnvironment } from "./postman";
export { fromCredentialProcess } from "./credentialProcess";
