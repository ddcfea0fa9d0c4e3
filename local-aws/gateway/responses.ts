/**
 * API Gateway's default gateway responses, worded exactly as `shared/reference/api-gateway-iam.md`
 * records them: status, compact JSON body, `x-amzn-ErrorType`. The server adds `x-amzn-RequestId`.
 */

/** What the gateway answers: status, headers and body. */
export interface GatewayResponse {
    readonly status: number;
    readonly headers: Record<string, string>;
    /** Headers with several values (a Lambda proxy response's `multiValueHeaders`). */
    readonly multiValueHeaders?: Record<string, string[]>;
    readonly body: string | Buffer;
    /**
     * Set on the answers API Gateway makes itself (never on an integration's): the gateway response type
     * whose `x-amazon-apigateway-gateway-responses` entry shapes it (see `withGatewayResponse`).
     */
    readonly gatewayResponseType?: string;
}

/** The gateway response type of each of API Gateway's own refusals, by `x-amzn-ErrorType`. */
const RESPONSE_TYPES: ReadonlyMap<string, string> = new Map([
    ["MissingAuthenticationTokenException", "MISSING_AUTHENTICATION_TOKEN"],
    ["IncompleteSignatureException", "INVALID_SIGNATURE"],
    ["InvalidSignatureException", "INVALID_SIGNATURE"],
    ["ExpiredTokenException", "EXPIRED_TOKEN"],
    ["AccessDeniedException", "ACCESS_DENIED"],
    ["RequestTooLargeException", "REQUEST_TOO_LARGE"],
    ["UnsupportedMediaTypeException", "UNSUPPORTED_MEDIA_TYPE"],
]);

function errorResponse(status: number, errorType: string, body: Record<string, string>): GatewayResponse {
    return {
        status,
        headers: { "Content-Type": "application/json", "x-amzn-ErrorType": errorType },
        body: JSON.stringify(body),
        gatewayResponseType: RESPONSE_TYPES.get(errorType) ?? (status < 500 ? "DEFAULT_4XX" : "DEFAULT_5XX"),
    };
}

/** No credentials at all, or a path/verb the API does not define (never 404, so paths cannot be enumerated). */
export const missingAuthenticationToken = (): GatewayResponse =>
    errorResponse(403, "MissingAuthenticationTokenException", { message: "Missing Authentication Token" });

/** The Authorization header lacks SigV4 parts; only the sentences for the missing parts are given. */
export function incompleteSignature(missing: readonly IncompletePart[], authorization: string): GatewayResponse {
    const sentences = missing.map((part) => INCOMPLETE_SENTENCES[part]);
    return errorResponse(403, "IncompleteSignatureException", {
        message: `${sentences.join(" ")} Authorization=${authorization}`,
    });
}

export type IncompletePart = "Credential" | "Signature" | "SignedHeaders" | "Date";
const INCOMPLETE_SENTENCES: Record<IncompletePart, string> = {
    Credential: "Authorization header requires 'Credential' parameter.",
    Signature: "Authorization header requires 'Signature' parameter.",
    SignedHeaders: "Authorization header requires 'SignedHeaders' parameter.",
    Date: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
};

/** A token of the Authorization header that is not `key=value`. */
export const missingEqualSign = (token: string, authorization: string): GatewayResponse =>
    errorResponse(403, "IncompleteSignatureException", {
        message: `'${token}' not a valid key=value pair (missing equal-sign) in Authorization header: '${authorization}'.`,
    });

/** Unknown access key id, or a session token that does not belong to it (error type inferred). */
export const unrecognizedClient = (): GatewayResponse =>
    errorResponse(403, "UnrecognizedClientException", {
        message: "The security token included in the request is invalid.",
    });

/**
 * Temporary credentials past their expiration (API Gateway's `EXPIRED_TOKEN` gateway response, 403;
 * the message is AWS's, the error type inferred).
 */
export const expiredToken = (): GatewayResponse =>
    errorResponse(403, "ExpiredTokenException", {
        message: "The security token included in the request is expired",
    });

/** Wrong secret or any signed part changed: AWS tells what it computed, never the secret. */
export const signatureMismatch = (canonicalRequest: string, stringToSign: string): GatewayResponse =>
    errorResponse(403, "InvalidSignatureException", {
        message:
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n" +
            `The Canonical String for this request should have been\n'${canonicalRequest}'\n\n` +
            `The String-to-Sign should have been\n'${stringToSign}'\n`,
    });

/** Any other refusal of the signature (scope, date, signed headers), worded by the caller (type inferred). */
export const invalidSignature = (message: string): GatewayResponse =>
    errorResponse(403, "InvalidSignatureException", { message });

/** Signature valid, but no policy allows the call, or a Deny matches. Note the capital `M`. */
export function accessDenied(userArn: string, resourceArn: string, explicitDeny: boolean): GatewayResponse {
    // AWS masks the account id in the resource ARN to eight asterisks and its last four digits.
    const masked = resourceArn.replace(/^(arn:[^:]+:execute-api:[^:]*:)(\d{8})(\d{4})(:)/, "$1********$3$4");
    const suffix = explicitDeny ? " with an explicit deny" : "";
    return errorResponse(403, "AccessDeniedException", {
        Message: `User: ${userArn} is not authorized to perform: execute-api:Invoke on resource: ${masked}${suffix}`,
    });
}

/** A method requiring an API key, called without a valid one (local mode has no usage plans). */
export const forbidden = (): GatewayResponse => errorResponse(403, "ForbiddenException", { message: "Forbidden" });

/** API Gateway's answer when the integration fails or is misconfigured. */
export const internalServerError = (message = "Internal server error"): GatewayResponse =>
    errorResponse(500, "InternalServerErrorException", { message });

/** The integration did not answer within its timeout (29 s unless `timeoutInMillis` says less). */
export const integrationTimedOut = (): GatewayResponse => ({
    ...internalServerError("Endpoint request timed out"),
    status: 504,
    gatewayResponseType: "INTEGRATION_TIMEOUT",
});

/** A Lambda function failed, or answered a proxy integration with something API Gateway cannot map. */
export const badGatewayInternal = (): GatewayResponse => ({ ...internalServerError(), status: 502 });

/** A content type that has no request template while passthrough is `NEVER`. */
export const unsupportedMediaType = (): GatewayResponse =>
    errorResponse(415, "UnsupportedMediaTypeException", { message: "Unsupported Media Type" });

/** The integration target could not be reached. */
export const badGateway = (message: string): GatewayResponse => errorResponse(502, "BadGatewayException", { message });

/** A body over API Gateway's 10 MB payload quota (the `REQUEST_TOO_LARGE` gateway response). */
export const requestTooLarge = (): GatewayResponse =>
    errorResponse(413, "RequestTooLargeException", { message: "Request Too Long" });

/**
 * A request URL, or a method ARN of an authorized method, over API Gateway's quota: the quotas page
 * documents the 414 status; the body and error type are inferred.
 */
export const uriTooLong = (): GatewayResponse =>
    errorResponse(414, "RequestUriTooLongException", { message: "Request URI too long" });

/** Header values over API Gateway's 10,240-byte quota (status and wording inferred). */
export const headersTooLarge = (limit: number): GatewayResponse =>
    errorResponse(431, "RequestHeaderFieldsTooLargeException", {
        message: `HTTP header is larger than ${limit} bytes.`,
    });

/** A request that is not valid HTTP/1.1 at all (framing, syntax); wording inferred. */
export const badRequest = (): GatewayResponse => errorResponse(400, "BadRequestException", { message: "Bad Request" });
