import { Compile, parse } from "velocityjs";
import { isJsonObject, listOperations, OpenApiDocument } from "../../components/openapi/operations";
import { Caller, requestIdentity } from "./identity";
import { headerValues, QueryParameter } from "./sigv4";
import { inputPart, templateInputs, TemplateInputs } from "./templateInputs";

/** What a mapping template can see of the request: API Gateway's `$context`, `$input`, `$util`. */
export interface TemplateRequest {
    readonly requestId: string;
    readonly accountId: string;
    readonly apiId: string;
    readonly stage: string;
    /** The method the request was routed by. */
    readonly httpMethod: string;
    /** The resource template, e.g. `/pets/{petId}`. */
    readonly resourcePath: string;
    /** The path as routed (decoded once), stage included, e.g. `/test/pets/1`. */
    readonly path: string;
    readonly pathParams: ReadonlyMap<string, string>;
    /** Query parameters decoded once, in order, repeats included. */
    readonly query: readonly QueryParameter[];
    /** Header lines in order, names as sent. */
    readonly headers: readonly (readonly [string, string])[];
    readonly sourceIp: string;
    /** The signed caller (undefined for a method without authorization). */
    readonly caller: Caller | undefined;
    readonly requestTimeEpoch: number;
    /** The stage's variables, by name. */
    readonly stageVariables: ReadonlyMap<string, string>;
}

/** A template compiled once per deployment, what of the request it reads, and its outputs so far. */
export interface CompiledTemplate {
    readonly program: Compile;
    readonly inputs: TemplateInputs;
    /** Outputs by the values of `inputs`: a render is a pure function of them. */
    readonly outputs: Map<string, string>;
}

/** Mapping templates compiled once per deployment, by their text. */
export type CompiledTemplates = ReadonlyMap<string, CompiledTemplate>;

/** Distinct outputs kept per template; past it the cache starts over (it only saves work). */
const MAX_OUTPUTS_PER_TEMPLATE = 256;

/** Compiles every request and response template of a deployed document. */
export function compileTemplates(document: OpenApiDocument): CompiledTemplates {
    const compiled = new Map<string, CompiledTemplate>();
    const add = (templates: unknown) => {
        if (!isJsonObject(templates)) return;
        for (const text of Object.values(templates)) {
            if (typeof text !== "string" || compiled.has(text)) continue;
            try {
                compiled.set(text, compile(text));
            } catch (e) {
                // API Gateway does not check templates on import: this one fails (500) when a request uses it.
                if (!(e instanceof TemplateFailure)) throw e;
            }
        }
    };
    for (const { operation } of listOperations(document)) {
        const integration = operation["x-amazon-apigateway-integration"];
        if (!isJsonObject(integration)) continue;
        add(integration.requestTemplates);
        if (isJsonObject(integration.responses))
            for (const response of Object.values(integration.responses))
                if (isJsonObject(response)) add(response.responseTemplates);
    }
    return compiled;
}

function compile(text: string): CompiledTemplate {
    try {
        return {
            program: new Compile(parse(text), { escape: false }),
            inputs: templateInputs(text),
            outputs: new Map(),
        };
    } catch (e) {
        throw new TemplateFailure(e instanceof Error ? e.message : String(e));
    }
}

/**
 * Renders an API Gateway mapping template (Velocity) with `$input` (`body`, `json()`, `path()`,
 * `params()`), `$context` (ids, stage, method, paths, identity), `$util` (`escapeJavaScript`,
 * `parseJson`, `urlEncode`, `urlDecode`, `base64Encode`, `base64Decode`) and `$stageVariables`. `body`
 * is the payload the template applies to (the request body for a request template, the integration
 * response body for a response template). Every map keyed by a name the caller chose has no prototype,
 * so `constructor` or `__proto__` are plain names.
 */
export function renderTemplate(
    templates: CompiledTemplates,
    text: string,
    request: TemplateRequest,
    body: string,
): string {
    const template = templates.get(text) ?? compile(text);
    // A template that reads nothing of the request has one output.
    const constant = template.inputs?.length === 0 ? template.outputs.get("[]") : undefined;
    if (constant !== undefined) return constant;
    let context = contexts.get(request);
    if (!context) contexts.set(request, (context = templateContext(request)));
    context.body.current = body;
    const variables = context.variables;
    const key = template.inputs && JSON.stringify(template.inputs.map((part) => inputPart(part, variables)));
    const known = key === undefined ? undefined : template.outputs.get(key);
    if (known !== undefined) return known;
    let output: string;
    try {
        output = template.program.render(variables);
    } catch (e) {
        throw new TemplateFailure(e instanceof Error ? e.message : String(e));
    }
    if (key !== undefined) {
        if (template.outputs.size >= MAX_OUTPUTS_PER_TEMPLATE) template.outputs.clear();
        template.outputs.set(key, output);
    }
    return output;
}

/** A mapping template that fails as it runs: API Gateway answers 500, and so does the local gateway. */
export class TemplateFailure extends Error {
    constructor(message: string) {
        super(`Mapping template failed: ${message}`);
        this.name = "TemplateFailure";
    }
}

/** A prototype-free object from name/value pairs; the last value of a repeated name wins. */
function plainMap(entries: Iterable<readonly [string, string]>): Record<string, string> {
    const map = Object.create(null) as Record<string, string>;
    for (const [name, value] of entries) map[name] = value;
    return map;
}

/** The variables a request's templates see, made once per request; `body` is what the next render applies to. */
interface TemplateContext {
    readonly variables: Record<string, unknown>;
    readonly body: { current: string };
}

const contexts = new WeakMap<TemplateRequest, TemplateContext>();

const UTIL = {
    escapeJavaScript: (text: unknown) => JSON.stringify(String(text)).slice(1, -1).replace(/'/g, "\\'"),
    parseJson: (text: string) => JSON.parse(text) as unknown,
    urlEncode: (text: string) => encodeURIComponent(text),
    urlDecode: (text: string) => decodeURIComponent(text),
    base64Encode: (text: string) => Buffer.from(text).toString("base64"),
    base64Decode: (text: string) => Buffer.from(text, "base64").toString(),
};

function templateContext(request: TemplateRequest): TemplateContext {
    const path = plainMap(request.pathParams);
    const querystring = plainMap(request.query.map((p) => [p.name, p.value] as const));
    const header = plainMap(request.headers);
    const headerNamed = (name: string) => headerValues(request.headers, name.toLowerCase()).pop();
    const body = { current: "" };
    const input = {
        get body() {
            return body.current;
        },
        json: (jsonPathText: string) => JSON.stringify(jsonPath(parseBody(body.current), jsonPathText) ?? null),
        path: (jsonPathText: string) => jsonPath(parseBody(body.current), jsonPathText),
        params: (name?: string) => {
            if (name === undefined) return { path, querystring, header };
            return request.pathParams.get(name) ?? querystring[name] ?? headerNamed(name) ?? "";
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
        identity: requestIdentity(request.caller, request.sourceIp, headerNamed("user-agent")),
    };
    const stageVariables = plainMap(request.stageVariables);
    return { variables: { input, context, util: UTIL, stageVariables }, body };
}

function parseBody(body: string): unknown {
    if (body.trim() === "") return {};
    try {
        return JSON.parse(body);
    } catch {
        return body;
    }
}

/** The JSONPath subset templates use: `$`, `$.a.b`, `$['a']`, `$.list[0]`; only own properties. */
function jsonPath(value: unknown, path: string): unknown {
    const steps = path.replace(/^\$/, "").match(/\.[^.[\]]+|\[\d+\]|\['[^']*'\]|\["[^"]*"\]/g) ?? [];
    let node = value;
    for (const step of steps) {
        const key = step.startsWith(".") ? step.slice(1) : step.slice(1, -1).replace(/^['"]|['"]$/g, "");
        if (node === null || typeof node !== "object" || !Object.prototype.hasOwnProperty.call(node, key))
            return undefined;
        node = (node as Record<string, unknown>)[key];
    }
    return node;
}
