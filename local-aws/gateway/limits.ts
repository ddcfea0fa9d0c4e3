import { GatewayResponse, headersTooLarge, uriTooLong } from "./responses";

// API Gateway's REST API quotas ("Quotas for configuring and running a REST API in API Gateway"):
// none of them can be raised, and each is checked before any signature or IAM work.

/** Payload size: 10 MB. */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
/** Total combined size of all header values: 10,240 bytes. */
export const MAX_HEADER_VALUES_BYTES = 10_240;
/** ARN length of a method with authorization (and of any method behind a resource policy): 1,600 bytes. */
export const MAX_METHOD_ARN_BYTES = 1_600;
/** Length, in characters, of the URL: 10,240 for a regional API, 8,192 for edge-optimized and private ones. */
export function maxUrlLength(endpointType: string): number {
    return endpointType === "REGIONAL" ? 10_240 : 8_192;
}

/** The refusal for a request line or headers over the quotas, or undefined when they fit. */
export function requestLimitRefusal(
    url: string,
    host: string,
    headers: readonly (readonly [string, string])[],
    endpointType: string,
): GatewayResponse | undefined {
    // The URL a client typed: https://<host><target>.
    if (`https://${host}${url}`.length > maxUrlLength(endpointType)) return uriTooLong();
    let bytes = 0;
    for (const [, value] of headers) bytes += Buffer.byteLength(value);
    return bytes > MAX_HEADER_VALUES_BYTES ? headersTooLarge(MAX_HEADER_VALUES_BYTES) : undefined;
}

/** Whether API Gateway would refuse these method ARNs as too long (414) before authorizing. */
export function methodArnTooLong(arns: readonly string[]): boolean {
    return arns.some((arn) => Buffer.byteLength(arn) > MAX_METHOD_ARN_BYTES);
}
