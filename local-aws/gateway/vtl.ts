import { Compile, parse } from "velocityjs";

/** What a mapping template can see of the request: API Gateway's `$context`, `$input`, `$util`. */
export interface TemplateRequest {
    readonly requestId: string;
    readonly accountId: string;
    readonly apiId: string;
    readonly stage: string;
    readonly httpMethod: string;
    /** The resource template, e.g. `/pets/{petId}`. */
    readonly resourcePath: string;
    /** The full path as called, stage included, e.g. `/test/pets/1`. */
    readonly path: string;
    readonly pathParams: Readonly<Record<string, string>>;
    /** Query parameters (the last value of a repeated name, as `$input.params()` gives). */
    readonly query: Readonly<Record<string, string>>;
    /** Headers by name as sent (the last value of a repeated name). */
    readonly headers: Readonly<Record<string, string>>;
    readonly sourceIp: string;
    readonly userArn: string | null;
    readonly accessKey: string | null;
    readonly requestTimeEpoch: number;
}

const compiled = new Map<string, Compile>();

/**
 * Renders an API Gateway mapping template (Velocity) with `@context`-style variables:
 * `$input` (`body`, `json()`, `path()`, `params()`), `$context` (ids, stage, method, paths, identity),
 * `$util` (`escapeJavaScript`, `parseJson`, `urlEncode`, `urlDecode`, `base64Encode`, `base64Decode`)
 * and `$stageVariables`. `body` is the payload the template applies to (request body for a request
 * template, integration response body for a response template).
 */
export function renderTemplate(template: string, request: TemplateRequest, body: string): string {
    let program = compiled.get(template);
    if (!program) {
        program = new Compile(parse(template), { escape: false });
        compiled.set(template, program);
    }
    return program.render(templateContext(request, body));
}

function templateContext(request: TemplateRequest, body: string): Record<string, unknown> {
    const headerParams = Object.fromEntries(Object.entries(request.headers));
    const input = {
        body,
        json: (path: string) => JSON.stringify(jsonPath(parseBody(body), path) ?? null),
        path: (path: string) => jsonPath(parseBody(body), path),
        params: (name?: string) => {
            if (name === undefined)
                return { path: request.pathParams, querystring: request.query, header: headerParams };
            return request.pathParams[name] ?? request.query[name] ?? headerValue(request.headers, name) ?? "";
        },
    };
    const context = {
        requestId: request.requestId,
        extendedRequestId: request.requestId,
        accountId: request.accountId,
        apiId: request.apiId,
        stage: request.stage,
        httpMethod: request.httpMethod,
        resourcePath: request.resourcePath,
        path: request.path,
        protocol: "HTTP/1.1",
        requestTimeEpoch: request.requestTimeEpoch,
        identity: {
            sourceIp: request.sourceIp,
            userArn: request.userArn,
            user: request.userArn,
            accessKey: request.accessKey,
            caller: request.userArn,
            accountId: request.userArn === null ? null : request.accountId,
            userAgent: headerValue(request.headers, "user-agent") ?? null,
        },
    };
    const util = {
        escapeJavaScript: (text: unknown) => JSON.stringify(String(text)).slice(1, -1).replace(/'/g, "\\'"),
        parseJson: (text: string) => JSON.parse(text) as unknown,
        urlEncode: (text: string) => encodeURIComponent(text),
        urlDecode: (text: string) => decodeURIComponent(text),
        base64Encode: (text: string) => Buffer.from(text).toString("base64"),
        base64Decode: (text: string) => Buffer.from(text, "base64").toString(),
    };
    return { input, context, util, stageVariables: {} };
}

function headerValue(headers: Readonly<Record<string, string>>, name: string): string | undefined {
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
    return key === undefined ? undefined : headers[key];
}

function parseBody(body: string): unknown {
    if (body.trim() === "") return {};
    try {
        return JSON.parse(body);
    } catch {
        return body;
    }
}

/** The JSONPath subset templates use: `$`, `$.a.b`, `$['a']`, `$.list[0]`. */
function jsonPath(value: unknown, path: string): unknown {
    const steps = path.replace(/^\$/, "").match(/\.[^.[\]]+|\[\d+\]|\['[^']*'\]|\["[^"]*"\]/g) ?? [];
    let node = value;
    for (const step of steps) {
        const key = step.startsWith(".") ? step.slice(1) : step.slice(1, -1).replace(/^['"]|['"]$/g, "");
        if (node === null || typeof node !== "object") return undefined;
        node = (node as Record<string, unknown>)[key];
    }
    return node;
}
