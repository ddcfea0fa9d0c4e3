import * as http from "http";
import { isJsonObject, JsonObject } from "../../components/openapi/operations";
import { badGateway, GatewayResponse, internalServerError, unsupportedMediaType } from "./responses";
import { Route } from "./routing";
import { headerValues } from "./sigv4";
import { CompiledTemplates, renderTemplate, TemplateFailure, TemplateRequest } from "./vtl";

/** The request as the integration sees it. */
export interface IntegrationRequest extends TemplateRequest {
    readonly rawQuery: string;
    readonly body: Buffer;
    /** The deployment's compiled mapping templates. */
    readonly templates: CompiledTemplates;
}

/** Hop-by-hop and gateway-owned headers that are never forwarded to or from an HTTP integration. */
const NOT_FORWARDED = new Set(["host", "connection", "content-length", "transfer-encoding", "keep-alive", "upgrade"]);
/** API Gateway's integration timeout. */
const INTEGRATION_TIMEOUT_MS = 29_000;

/**
 * Runs the method's `x-amazon-apigateway-integration`: MOCK (status from the request template, then
 * the matching integration response's templates and parameters), HTTP and HTTP_PROXY to loopback
 * targets. Any other type is answered with a 500 that says local mode does not emulate it.
 */
export async function runIntegration(route: Route, request: IntegrationRequest): Promise<GatewayResponse> {
    const integration = route.operation["x-amazon-apigateway-integration"];
    if (!isJsonObject(integration)) return internalServerError();
    const type = typeof integration.type === "string" ? integration.type.toLowerCase() : "";
    try {
        switch (type) {
            case "mock":
                return runMock(integration, request);
            case "http_proxy":
            case "http":
                return await runHttp(integration, request, route, type === "http_proxy");
            default:
                return internalServerError(
                    `Local mode does not emulate integration type ${type.toUpperCase() || "(none)"}; it runs MOCK, HTTP and HTTP_PROXY only.`,
                );
        }
    } catch (e) {
        // A mapping template that fails is the API's own fault: API Gateway's generic 500. Anything else is ours.
        if (e instanceof TemplateFailure) return internalServerError();
        throw e;
    }
}

function runMock(integration: JsonObject, request: IntegrationRequest): GatewayResponse {
    const template = requestTemplate(integration, request);
    if (template === "unsupported") return unsupportedMediaType();
    const rendered =
        template === "passthrough"
            ? request.body.toString()
            : renderTemplate(request.templates, template.template, request, request.body.toString());
    let statusCode: unknown;
    try {
        statusCode = (JSON.parse(rendered) as { statusCode?: unknown }).statusCode;
    } catch {
        return internalServerError();
    }
    if (typeof statusCode !== "number" && !(typeof statusCode === "string" && /^\d{3}$/.test(statusCode)))
        return internalServerError();
    return methodResponse(integration, request, String(statusCode), {}, "");
}

async function runHttp(
    integration: JsonObject,
    request: IntegrationRequest,
    route: Route,
    proxy: boolean,
): Promise<GatewayResponse> {
    const uri = typeof integration.uri === "string" ? integration.uri : "";
    const target = new URL(
        uri.replace(/\{([^}+]+)\+?\}/g, (_m: string, name: string) => {
            const value = route.pathParams.get(name) ?? "";
            // A greedy parameter spans segments; any other is one segment, its "/" kept as data.
            // Each segment encoded on its own: a "/" decoded from "%2F" stays data, never a separator.
            return name === route.greedyParam
                ? route.greedySegments.map(encodeURIComponent).join("/")
                : encodeURIComponent(value);
        }),
    );
    if (!["127.0.0.1", "localhost", "[::1]"].includes(target.hostname) && !/^127\./.test(target.hostname)) {
        return badGateway(
            `Local mode reaches only loopback integration targets (127.0.0.1, localhost, ::1); ${target.origin} is not one.`,
        );
    }
    if (proxy && request.rawQuery !== "") target.search = request.rawQuery;
    const configuredMethod = typeof integration.httpMethod === "string" ? integration.httpMethod.toUpperCase() : "ANY";
    const method = configuredMethod === "ANY" ? request.httpMethod : configuredMethod;
    let body = request.body;
    if (!proxy) {
        const template = requestTemplate(integration, request);
        if (template === "unsupported") return unsupportedMediaType();
        if (template !== "passthrough")
            body = Buffer.from(renderTemplate(request.templates, template.template, request, request.body.toString()));
    }
    const headers: Record<string, string> = {};
    const contentType = contentTypeOf(request);
    if (proxy)
        for (const [name, value] of request.headers) if (!NOT_FORWARDED.has(name.toLowerCase())) headers[name] = value;
    if (!proxy && contentType) headers["Content-Type"] = contentType;
    const answer = await forward(target, method, headers, body);
    if (answer === "timeout") return { ...internalServerError("Endpoint request timed out"), status: 504 };
    if (answer === "unreachable") return internalServerError();
    if (proxy) {
        const forwarded: Record<string, string> = {};
        for (const [name, value] of Object.entries(answer.headers)) {
            if (!NOT_FORWARDED.has(name) && value !== undefined)
                forwarded[name] = Array.isArray(value) ? value.join(", ") : value;
        }
        return { status: answer.status, headers: forwarded, body: answer.body };
    }
    const flatHeaders = Object.fromEntries(
        Object.entries(answer.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]),
    );
    return methodResponse(integration, request, String(answer.status), flatHeaders, answer.body.toString());
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
function methodResponse(
    integration: JsonObject,
    request: IntegrationRequest,
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

function contentTypeOf(request: IntegrationRequest): string | undefined {
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

interface BackendAnswer {
    status: number;
    headers: http.IncomingHttpHeaders;
    body: Buffer;
}

function forward(
    target: URL,
    method: string,
    headers: Record<string, string>,
    body: Buffer,
): Promise<BackendAnswer | "timeout" | "unreachable"> {
    return new Promise((resolve) => {
        const outgoing = http.request(
            target,
            { method, headers: { ...headers, "Content-Length": String(body.length) }, timeout: INTEGRATION_TIMEOUT_MS },
            (incoming) => {
                const chunks: Buffer[] = [];
                incoming.on("data", (c: Buffer) => chunks.push(c));
                incoming.on("end", () =>
                    resolve({
                        status: incoming.statusCode ?? 502,
                        headers: incoming.headers,
                        body: Buffer.concat(chunks),
                    }),
                );
                incoming.on("error", () => resolve("unreachable"));
            },
        );
        outgoing.on("timeout", () => {
            outgoing.destroy();
            resolve("timeout");
        });
        outgoing.on("error", () => resolve("unreachable"));
        outgoing.end(body);
    });
}
