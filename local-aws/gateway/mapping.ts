import { isJsonObject, JsonObject } from "../../components/openapi/operations";
import type { IntegrationRequest } from "./integrations";
import { GatewayResponse, internalServerError } from "./responses";
import { headerValues } from "./sigv4";
import { renderTemplate } from "./vtl";

// How API Gateway maps a non-proxy integration's request and response: the request template chosen by
// content type (or passthrough), and the integration response chosen by a selection pattern.

/**
 * The integration request's body: the request template for the content type rendered, or the request
 * body as it is under passthrough; undefined when neither applies (an unsupported media type, 415).
 */
export function integrationRequestBody(integration: JsonObject, request: IntegrationRequest): string | undefined {
    const template = requestTemplate(integration, request);
    if (template === "unsupported") return undefined;
    if (template === "passthrough") return request.body.toString();
    return renderTemplate(request.templates, template.template, request, request.body.toString());
}

/** The request template for the request's content type, or what passthrough behaviour makes of its absence. */
function requestTemplate(
    integration: JsonObject,
    request: IntegrationRequest,
): { template: string } | "passthrough" | "unsupported" {
    const templates = isJsonObject(integration.requestTemplates) ? integration.requestTemplates : {};
    // API Gateway assumes application/json when the request has no Content-Type.
    const contentType = (contentTypeOf(request) ?? "application/json").split(";")[0].trim().toLowerCase();
    const template = Object.entries(templates).find(([type]) => type.toLowerCase() === contentType)?.[1];
    if (typeof template === "string") return { template };
    const passthrough =
        typeof integration.passthroughBehavior === "string"
            ? integration.passthroughBehavior.toLowerCase()
            : "when_no_match";
    if (passthrough === "never") return "unsupported";
    if (passthrough === "when_no_templates" && Object.keys(templates).length > 0) return "unsupported";
    return "passthrough";
}

/**
 * Picks the integration response whose selection pattern matches the status (a full regular-expression
 * match, `default` last), then renders the method response: its status, its `responseParameters`
 * headers and the response template chosen by `Accept`.
 */
export function methodResponse(
    integration: JsonObject,
    request: IntegrationRequest,
    /** What the selection patterns are matched against: the status (HTTP), the error message (Lambda, "" for none). */
    integrationStatus: string,
    integrationHeaders: Record<string, string>,
    integrationBody: string,
): GatewayResponse {
    const responses = isJsonObject(integration.responses) ? integration.responses : {};
    const selected =
        Object.entries(responses).find(
            ([pattern]) => pattern !== "default" && fullMatch(pattern, integrationStatus),
        )?.[1] ?? responses.default;
    if (!isJsonObject(selected)) return internalServerError();
    const status = Number(selected.statusCode ?? 200);
    const headers: Record<string, string> = {};
    const templates = isJsonObject(selected.responseTemplates) ? selected.responseTemplates : {};
    const chosen = chooseTemplate(templates, headerValues(request.headers, "accept")[0]);
    headers["Content-Type"] = chosen?.[0] ?? "application/json";
    for (const [target, source] of Object.entries(
        isJsonObject(selected.responseParameters) ? selected.responseParameters : {},
    )) {
        const name = /^method\.response\.header\.(.+)$/.exec(target)?.[1];
        if (name === undefined || typeof source !== "string") continue;
        const literal = /^'(.*)'$/s.exec(source);
        const fromHeader = /^integration\.response\.header\.(.+)$/.exec(source);
        if (literal) headers[name] = literal[1];
        else if (fromHeader) headers[name] = integrationHeaders[fromHeader[1].toLowerCase()] ?? "";
    }
    const body = chosen ? renderTemplate(request.templates, chosen[1], request, integrationBody) : integrationBody;
    return { status, headers, body };
}

export function contentTypeOf(request: IntegrationRequest): string | undefined {
    return headerValues(request.headers, "content-type")[0];
}

function chooseTemplate(templates: JsonObject, accept: string | undefined): [string, string] | undefined {
    const entries = Object.entries(templates).filter((e): e is [string, string] => typeof e[1] === "string");
    if (entries.length === 0) return undefined;
    const wanted = (accept ?? "").split(",").map((t) => t.split(";")[0].trim().toLowerCase());
    return (
        entries.find(([type]) => wanted.includes(type.toLowerCase())) ??
        entries.find(([type]) => type === "application/json") ??
        entries[0]
    );
}

function fullMatch(pattern: string, text: string): boolean {
    try {
        return new RegExp(`^(?:${pattern})$`, "s").test(text);
    } catch {
        return false;
    }
}
