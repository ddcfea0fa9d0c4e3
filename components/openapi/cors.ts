import { Finding, securityFinding } from "./findings";
import { isJsonObject, JsonObject, listOperations, OpenApiDocument, operationKey } from "./operations";
import { SpecVersion } from "./parse";

/**
 * CORS for browser apps calling the API with SigV4: preflights answered without a signature, and the
 * CORS headers on every answer, API Gateway's own refusals included (otherwise a browser hides a 403's
 * reason behind a CORS error).
 */
export interface CorsArgs {
    /**
     * The one origin pages may call from: scheme, host and optional port, e.g. `https://app.example.com`,
     * or `*` for any (the signature, not the origin, is what protects the API).
     */
    allowOrigin: string;
    /**
     * Request headers a page may send.
     * @default ["Authorization", "Content-Type", "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256"]
     */
    allowHeaders?: string[];
    /**
     * How long a browser may reuse a preflight's answer, in seconds.
     * @default 600
     */
    maxAgeSeconds?: number;
}

/** What SigV4 signing in a browser sends: the signature, its date, a session token, the body's type and hash. */
export const DEFAULT_CORS_ALLOW_HEADERS: readonly string[] = [
    "Authorization",
    "Content-Type",
    "X-Amz-Date",
    "X-Amz-Security-Token",
    "X-Amz-Content-Sha256",
];
export const DEFAULT_CORS_MAX_AGE_SECONDS = 600;
/** What a page may read of a refusal: the request id and the error type (the reason a 403 is given). */
export const CORS_EXPOSE_HEADERS: readonly string[] = ["x-amzn-RequestId", "x-amzn-ErrorType"];

const ORIGIN = /^(\*|https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?)$/;
const HEADER_NAME = /^[A-Za-z0-9!#$%&*+.^_`|~-]+$/;
const GATEWAY_RESPONSES = "x-amazon-apigateway-gateway-responses";
const INTEGRATION = "x-amazon-apigateway-integration";
const ALL_VERBS = ["GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS"];

/** Problems with the `cors` argument, each naming the fix. */
export function corsArgumentProblems(cors: unknown): string[] {
    if (!isJsonObject(cors)) return ['cors must be an object such as { allowOrigin: "https://app.example.com" }.'];
    const problems: string[] = [];
    if (typeof cors.allowOrigin !== "string" || !ORIGIN.test(cors.allowOrigin))
        problems.push(
            `cors.allowOrigin ${JSON.stringify(cors.allowOrigin)} must be one origin such as "https://app.example.com" (scheme, host, optional port, no path or trailing slash), or "*".`,
        );
    const headers = cors.allowHeaders;
    if (
        headers !== undefined &&
        (!Array.isArray(headers) || !headers.every((h) => typeof h === "string" && HEADER_NAME.test(h)))
    )
        problems.push(
            `cors.allowHeaders must be a list of header names such as ${JSON.stringify(DEFAULT_CORS_ALLOW_HEADERS)}.`,
        );
    const maxAge = cors.maxAgeSeconds;
    if (maxAge !== undefined && !(Number.isInteger(maxAge) && (maxAge as number) >= 0 && (maxAge as number) <= 86400))
        problems.push(
            `cors.maxAgeSeconds ${JSON.stringify(maxAge)} must be a whole number of seconds from 0 to 86400.`,
        );
    return problems;
}

/** A literal value of a header mapping, as API Gateway writes one: in single quotes. */
const literal = (value: string) => `'${value}'`;

/** A header declaration of a method response, in the document's version. */
const headerDeclaration = (version: SpecVersion): JsonObject =>
    version === "swagger2" ? { type: "string" } : { schema: { type: "string" } };

/**
 * Adds CORS to the document, in place: an `OPTIONS` MOCK method on every path that has none (the
 * preflight; it must then be public, as a browser sends it unsigned), the `Access-Control-Allow-Origin`
 * header on every response of the non-proxy integrations (proxy integrations' backends send their
 * own), and the CORS headers on API Gateway's 4XX and 5XX gateway responses. Returns the preflight
 * operations (to be made public) and the findings: a path that already defines `OPTIONS`, or a gateway
 * response that already sets a CORS header differently.
 */
export function addCors(
    document: OpenApiDocument,
    version: SpecVersion,
    cors: CorsArgs,
): { preflights: string[]; findings: Finding[] } {
    const findings: Finding[] = [];
    const origin = cors.allowOrigin;
    const allowHeaders = (cors.allowHeaders ?? DEFAULT_CORS_ALLOW_HEADERS).join(",");
    const maxAge = String(cors.maxAgeSeconds ?? DEFAULT_CORS_MAX_AGE_SECONDS);
    const paths = isJsonObject(document.paths) ? document.paths : {};
    const verbsByPath = new Map<string, string[]>();
    for (const { verb, path } of listOperations(document))
        verbsByPath.set(path, [...(verbsByPath.get(path) ?? []), verb]);

    for (const { operation } of listOperations(document)) addOriginHeader(operation, version, origin);
    const preflights: string[] = [];
    for (const [path, verbs] of verbsByPath) {
        if (verbs.includes("OPTIONS")) {
            findings.push(
                securityFinding(
                    "cors-preflight-exists",
                    `paths["${path}"].options`,
                    `cors adds the preflight OPTIONS ${path}, which the document already defines. Remove the document's options operation at ${path}, or drop cors and list "OPTIONS ${path}" in publicOperations.`,
                ),
            );
            continue;
        }
        const methods = verbs.includes("ANY") ? ALL_VERBS : [...new Set([...verbs, "OPTIONS"])];
        (paths[path] as JsonObject).options = preflightOperation(path, version, {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Methods": methods.join(","),
            "Access-Control-Allow-Headers": allowHeaders,
            "Access-Control-Max-Age": maxAge,
        });
        preflights.push(operationKey("OPTIONS", path));
    }
    findings.push(
        ...addGatewayResponseHeaders(document, {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Headers": allowHeaders,
            "Access-Control-Expose-Headers": CORS_EXPOSE_HEADERS.join(","),
        }),
    );
    return { preflights, findings };
}

/** A MOCK `OPTIONS` answering 200 with the CORS headers, its path parameters declared. */
function preflightOperation(path: string, version: SpecVersion, headers: Record<string, string>): JsonObject {
    const parameters = [...path.matchAll(/\{([^}+]+)\+?\}/g)].map(([, name]) =>
        version === "swagger2"
            ? { name, in: "path", required: true, type: "string" }
            : { name, in: "path", required: true, schema: { type: "string" } },
    );
    return {
        summary: "CORS preflight",
        ...(parameters.length > 0 ? { parameters } : {}),
        responses: {
            "200": {
                description: "CORS preflight",
                headers: Object.fromEntries(Object.keys(headers).map((h) => [h, headerDeclaration(version)])),
            },
        },
        [INTEGRATION]: {
            type: "mock",
            requestTemplates: { "application/json": '{"statusCode": 200}' },
            passthroughBehavior: "when_no_match",
            responses: {
                default: {
                    statusCode: "200",
                    responseParameters: Object.fromEntries(
                        Object.entries(headers).map(([h, v]) => [`method.response.header.${h}`, literal(v)]),
                    ),
                    responseTemplates: { "application/json": "" },
                },
            },
        },
    };
}

/**
 * `Access-Control-Allow-Origin` on each response of a non-proxy integration whose method response is
 * declared (API Gateway refuses a mapping to an undeclared header); left as it is where already set.
 */
function addOriginHeader(operation: JsonObject, version: SpecVersion, origin: string): void {
    const integration = operation[INTEGRATION];
    if (!isJsonObject(integration) || !isJsonObject(integration.responses)) return;
    const type = typeof integration.type === "string" ? integration.type.toLowerCase() : "";
    if (type.endsWith("_proxy")) return;
    const methodResponses = isJsonObject(operation.responses) ? operation.responses : {};
    for (const response of Object.values(integration.responses)) {
        if (!isJsonObject(response)) continue;
        const status =
            typeof response.statusCode === "string" || typeof response.statusCode === "number"
                ? response.statusCode
                : "200";
        const declared = methodResponses[String(status)];
        if (!isJsonObject(declared)) continue;
        const target = "method.response.header.Access-Control-Allow-Origin";
        const parameters = isJsonObject(response.responseParameters) ? response.responseParameters : {};
        if (parameters[target] !== undefined) continue;
        response.responseParameters = { ...parameters, [target]: literal(origin) };
        const headers = isJsonObject(declared.headers) ? declared.headers : {};
        declared.headers = { ...headers, "Access-Control-Allow-Origin": headerDeclaration(version) };
    }
}

/**
 * The CORS headers on `DEFAULT_4XX` and `DEFAULT_5XX` and on every 4XX/5XX gateway response the
 * document customises (a customised type no longer inherits the defaults' headers).
 */
function addGatewayResponseHeaders(document: OpenApiDocument, headers: Record<string, string>): Finding[] {
    const findings: Finding[] = [];
    const existing = isJsonObject(document[GATEWAY_RESPONSES]) ? document[GATEWAY_RESPONSES] : {};
    const responses: JsonObject = { ...existing };
    for (const type of new Set(["DEFAULT_4XX", "DEFAULT_5XX", ...Object.keys(existing)])) {
        const response = isJsonObject(responses[type]) ? { ...responses[type] } : {};
        const status = typeof response.statusCode === "string" ? response.statusCode : "";
        if (!type.startsWith("DEFAULT_") && status !== "" && !/^[45]/.test(status)) continue;
        const parameters = isJsonObject(response.responseParameters) ? { ...response.responseParameters } : {};
        for (const [header, value] of Object.entries(headers)) {
            const key = `gatewayresponse.header.${header}`;
            if (parameters[key] !== undefined && parameters[key] !== literal(value)) {
                findings.push(
                    securityFinding(
                        "cors-gateway-response",
                        `${GATEWAY_RESPONSES}.${type}`,
                        `The document's gateway response ${type} sets ${header} to ${JSON.stringify(parameters[key])}, and cors would set ${literal(value)}. Remove it from the document, or drop cors.`,
                    ),
                );
            }
            parameters[key] = literal(value);
        }
        responses[type] = { ...response, responseParameters: parameters };
    }
    document[GATEWAY_RESPONSES] = responses;
    return findings;
}
