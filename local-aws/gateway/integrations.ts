import * as http from "http";
import { isJsonObject, JsonObject, OpenApiDocument } from "../../components/openapi/operations";
import { LambdaService, runLambdaIntegration } from "./lambdaIntegration";
import { prototypeFree } from "./httpRequest";
import { integrationHeaderName } from "./responseHeaders";
import { contentTypeOf, integrationRequestBody, methodResponse } from "./mapping";
import {
    badGateway,
    GatewayResponse,
    integrationTimedOut,
    internalServerError,
    unsupportedMediaType,
} from "./responses";
import { Route } from "./routing";
import { CompiledTemplates, TemplateFailure, TemplateRequest } from "./vtl";

/** The request as the integration sees it. */
export interface IntegrationRequest extends TemplateRequest {
    readonly rawQuery: string;
    readonly body: Buffer;
    /** The deployment's compiled mapping templates. */
    readonly templates: CompiledTemplates;
    /** The document the deployment froze (binary media types and the like). */
    readonly document: OpenApiDocument;
    readonly deploymentId: string;
    /** The `Host` the request was sent to. */
    readonly host: string;
    /** The method ARN of the request in every path spelling (what API Gateway gives Lambda as `AWS:SourceArn`). */
    readonly methodArns: readonly string[];
    /** The account's Lambda functions and the runtimes that run them. */
    readonly lambda: LambdaService;
}

/** What an integration produced, and why it failed when it did (for the request log). */
export interface IntegrationOutcome {
    readonly response: GatewayResponse;
    readonly reason?: string;
}

/** Hop-by-hop and gateway-owned headers that are never forwarded to or from an HTTP integration. */
const NOT_FORWARDED = new Set(["host", "connection", "content-length", "transfer-encoding", "keep-alive", "upgrade"]);
/** API Gateway's integration timeout. */
const INTEGRATION_TIMEOUT_MS = 29_000;

/**
 * Runs the method's `x-amazon-apigateway-integration`: MOCK (status from the request template, then
 * the matching integration response's templates and parameters), HTTP and HTTP_PROXY to loopback
 * targets, and AWS_PROXY and AWS integrations invoking a Lambda function of the account. Anything else
 * is answered with a 500 that says local mode does not emulate it.
 */
export async function runIntegration(route: Route, request: IntegrationRequest): Promise<IntegrationOutcome> {
    const integration = route.operation["x-amazon-apigateway-integration"];
    if (!isJsonObject(integration)) return { response: internalServerError() };
    const type = typeof integration.type === "string" ? integration.type.toLowerCase() : "";
    try {
        switch (type) {
            case "mock":
                return { response: runMock(integration, request) };
            case "http_proxy":
            case "http":
                return { response: await runHttp(integration, request, route, type === "http_proxy") };
            case "aws_proxy":
            case "aws":
                return await runLambdaIntegration(integration, request, type === "aws_proxy");
            default:
                return {
                    response: internalServerError(
                        `Local mode does not emulate integration type ${type.toUpperCase() || "(none)"}; it runs MOCK, HTTP, HTTP_PROXY and Lambda functions (AWS_PROXY, AWS) only.`,
                    ),
                };
        }
    } catch (e) {
        // A mapping template that fails is the API's own fault: API Gateway's generic 500. Anything else is ours.
        if (e instanceof TemplateFailure) return { response: internalServerError(), reason: e.message };
        throw e;
    }
}

function runMock(integration: JsonObject, request: IntegrationRequest): GatewayResponse {
    const rendered = integrationRequestBody(integration, request);
    if (rendered === undefined) return unsupportedMediaType();
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
        const rendered = integrationRequestBody(integration, request);
        if (rendered === undefined) return unsupportedMediaType();
        body = Buffer.from(rendered);
    }
    const headers = prototypeFree<string>();
    const contentType = contentTypeOf(request);
    if (proxy)
        for (const [name, value] of request.headers) if (!NOT_FORWARDED.has(name.toLowerCase())) headers[name] = value;
    if (!proxy && contentType) headers["Content-Type"] = contentType;
    const answer = await forward(target, method, headers, body);
    if (answer === "timeout") return integrationTimedOut();
    if (answer === "unreachable") return internalServerError();
    if (proxy) {
        const forwarded = prototypeFree<string>();
        for (const [name, value] of Object.entries(answer.headers)) {
            // The gateway writes the same length itself.
            if (name === "content-length") continue;
            const target = integrationHeaderName(name);
            if (target !== undefined && value !== undefined)
                forwarded[target] = Array.isArray(value) ? value.join(", ") : value;
        }
        return { status: answer.status, headers: forwarded, body: answer.body };
    }
    const flatHeaders = Object.assign(
        prototypeFree<string>(),
        Object.fromEntries(
            Object.entries(answer.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]),
        ),
    );
    return methodResponse(integration, request, String(answer.status), flatHeaders, answer.body.toString());
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
