import { isJsonObject, OpenApiDocument } from "../../components/openapi/operations";
import { GatewayResponse } from "./responses";
import { headerValues, WireRequest } from "./sigv4";

const GATEWAY_RESPONSES = "x-amazon-apigateway-gateway-responses";

/**
 * An answer API Gateway made itself (a refusal, or an integration's failure; never what an integration
 * answered), with the deployed document's `x-amazon-apigateway-gateway-responses` applied: the response
 * of its type, else `DEFAULT_4XX` or `DEFAULT_5XX`, sets the status and the headers of its `responseParameters` (literals, or
 * `method.request.header.<name>`). Its `responseTemplates` are not emulated: the default body stays.
 */
export function withGatewayResponse(
    document: OpenApiDocument,
    request: WireRequest,
    response: GatewayResponse,
): GatewayResponse {
    const responses = document[GATEWAY_RESPONSES];
    const type = response.gatewayResponseType;
    if (!isJsonObject(responses) || type === undefined) return response;
    const fallback = response.status < 500 ? "DEFAULT_4XX" : "DEFAULT_5XX";
    const custom = isJsonObject(responses[type]) ? responses[type] : responses[fallback];
    if (!isJsonObject(custom)) return response;
    const headers = { ...response.headers };
    for (const [target, source] of Object.entries(
        isJsonObject(custom.responseParameters) ? custom.responseParameters : {},
    )) {
        const name = /^gatewayresponse\.header\.(.+)$/.exec(target)?.[1];
        if (name === undefined || typeof source !== "string") continue;
        const literal = /^'(.*)'$/s.exec(source)?.[1];
        const fromRequest = /^method\.request\.header\.(.+)$/.exec(source)?.[1];
        const value =
            literal ??
            (fromRequest === undefined ? undefined : headerValues(request.headers, fromRequest.toLowerCase())[0]);
        if (value !== undefined) headers[name] = value;
    }
    const status =
        typeof custom.statusCode === "string" && /^[1-5]\d\d$/.test(custom.statusCode)
            ? Number(custom.statusCode)
            : response.status;
    return { ...response, status, headers };
}
