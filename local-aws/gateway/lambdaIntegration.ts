import { randomBytes } from "crypto";
import * as http from "http";
import { isJsonObject, JsonObject } from "../../components/openapi/operations";
import { iamMatches } from "../../components/policies/operationPolicy";
import type { FunctionRecord, LocalAwsAccount, PermissionRecord } from "../engine/account";
import { LocalAwsError } from "../engine/account";
import { prototypeFree } from "./httpRequest";
import { requestIdentity } from "./identity";
import { integrationHeaderName } from "./responseHeaders";
import type { IntegrationOutcome, IntegrationRequest } from "./integrations";
import { Invocation, LambdaRuntimes } from "./lambdaRuntimes";
import { integrationRequestBody, methodResponse } from "./mapping";
import {
    badGatewayInternal,
    GatewayResponse,
    integrationTimedOut,
    internalServerError,
    unsupportedMediaType,
} from "./responses";
import { headerValues } from "./sigv4";

/** What a Lambda integration needs besides the request: the account's functions and the runtimes running them. */
export interface LambdaService {
    readonly account: LocalAwsAccount;
    readonly runtimes: LambdaRuntimes;
}

/** API Gateway's integration timeout when the integration sets no `timeoutInMillis`. */
export const DEFAULT_INTEGRATION_TIMEOUT_MS = 29_000;
/** Lambda's limit on a synchronous invocation's payload. */
const MAX_INVOKE_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** The principal API Gateway invokes functions as. */
const API_GATEWAY = "apigateway.amazonaws.com";
/** Request headers a proxy event leaves out (the gateway's own framing). */
const NOT_IN_EVENT = new Set(["content-length", "connection"]);
/** The only fields a Lambda proxy response may have: any other makes it malformed. */
const PROXY_RESPONSE_FIELDS = new Set(["statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"]);

/**
 * An `aws_proxy` or `aws` integration whose URI invokes a Lambda function, run as API Gateway runs it:
 * the function must exist and its resource policy (`aws.lambda.Permission`) must let API Gateway invoke
 * it from this method (else 500); then the function runs in its own environment with API Gateway's
 * integration timeout (504 past it). A proxy integration sends the REST proxy event (version 1.0) and maps
 * the function's response (a function error or a malformed response is a 502); a custom (`aws`)
 * integration sends its request template's output and selects the integration response by the error message.
 */
export async function runLambdaIntegration(
    integration: JsonObject,
    request: IntegrationRequest,
    proxy: boolean,
): Promise<IntegrationOutcome> {
    const { account } = request.lambda;
    const uri = withStageVariables(typeof integration.uri === "string" ? integration.uri : "", request);
    const functionArn = /^arn:[^:]+:apigateway:[^:]+:lambda:path\/2015-03-31\/functions\/(.+)\/invocations$/.exec(
        uri,
    )?.[1];
    if (functionArn === undefined)
        return notEmulated(
            `${proxy ? "AWS_PROXY" : "AWS"} integrations with ${uri || "no URI"}; it runs Lambda function invocations (arn:…:apigateway:<region>:lambda:path/2015-03-31/functions/<function ARN>/invocations)`,
        );
    if (integration.credentials !== undefined)
        return notEmulated(
            "invoking a function with an integration credentials role; grant API Gateway with an aws.lambda.Permission instead",
        );
    let target: { fn: FunctionRecord; qualifier: string | undefined };
    try {
        target = account.functionNamed(functionArn);
    } catch (e) {
        if (!(e instanceof LocalAwsError)) throw e;
        // AWS logs a configuration error and answers 500, as for a missing permission (inferred: not captured).
        return failure(internalServerError(), `Execution failed due to configuration error: ${e.message}`);
    }
    const denied = request.methodArns.find(
        (arn) => !permitted(account.permissions.get(target.fn.name) ?? [], target.qualifier, arn, account.accountId),
    );
    if (denied !== undefined)
        return failure(
            internalServerError(),
            `Execution failed due to configuration error: Invalid permissions on Lambda function ${target.fn.name}: no aws.lambda.Permission lets ${API_GATEWAY} invoke it from ${denied}`,
        );

    let event: unknown;
    if (proxy) {
        event = proxyEvent(request);
    } else {
        const payload = integrationRequestBody(integration, request);
        if (payload === undefined) return { response: unsupportedMediaType() };
        try {
            event = JSON.parse(payload);
        } catch {
            // Lambda refuses a payload that is not JSON; API Gateway answers 500 (inferred: not captured).
            return failure(
                internalServerError(),
                "Lambda refused the integration request: its payload is not JSON (InvalidRequestContentException)",
            );
        }
    }
    if (Buffer.byteLength(JSON.stringify(event)) > MAX_INVOKE_PAYLOAD_BYTES)
        // Lambda refuses the invocation (RequestEntityTooLargeException); API Gateway's answer is inferred: not captured.
        return failure(
            badGatewayInternal(),
            `Lambda refused the invocation: the event is over ${MAX_INVOKE_PAYLOAD_BYTES} bytes (RequestEntityTooLargeException)`,
        );
    const timeoutMs =
        typeof integration.timeoutInMillis === "number" ? integration.timeoutInMillis : DEFAULT_INTEGRATION_TIMEOUT_MS;
    const invocation = await withTimeout(
        request.lambda.runtimes.invoke(target.fn, event, request.requestId),
        timeoutMs,
    );
    if (invocation === "timeout")
        return failure(
            integrationTimedOut(),
            `Execution failed due to a timeout error: ${target.fn.name} did not answer within the integration timeout (${timeoutMs} ms)`,
        );
    if (!proxy) {
        // Lambda custom integrations select the integration response by the error message ("" when none).
        const selector = invocation.kind === "error" ? invocation.error.errorMessage : "";
        return {
            response: methodResponse(integration, request, selector, {}, invocation.payload),
            reason:
                invocation.kind === "error"
                    ? `function error: ${invocation.error.errorType}: ${invocation.error.errorMessage}`
                    : undefined,
        };
    }
    if (invocation.kind === "error")
        return failure(
            badGatewayInternal(),
            `Lambda execution failed with status 200 due to customer function error: ${invocation.error.errorType}: ${invocation.error.errorMessage}`,
        );
    return proxyResponse(invocation, request);
}

function failure(response: GatewayResponse, reason: string): IntegrationOutcome {
    return { response, reason };
}

/** What local mode cannot run is said in the answer itself (a 500, as for any integration it does not emulate). */
function notEmulated(what: string): IntegrationOutcome {
    const message = `Local mode does not emulate ${what}.`;
    return failure(internalServerError(message), message);
}

function withTimeout(invocation: Promise<Invocation>, ms: number): Promise<Invocation | "timeout"> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), ms)));
    return Promise.race([invocation, timeout]).finally(() => clearTimeout(timer));
}

/** `${stageVariables.name}` in the URI, as API Gateway resolves it per stage. */
function withStageVariables(uri: string, request: IntegrationRequest): string {
    return uri.replace(
        /\$\{stageVariables\.([A-Za-z0-9_]+)\}/g,
        (_m, name: string) => request.stageVariables.get(name) ?? "",
    );
}

/**
 * Whether some statement of the function's resource policy lets API Gateway invoke it from this method
 * ARN, as Lambda evaluates an `aws.lambda.Permission`: the action, the principal, `AWS:SourceArn`
 * (ArnLike) and `AWS:SourceAccount`, for the qualifier the integration names.
 */
export function permitted(
    statements: readonly PermissionRecord[],
    qualifier: string | undefined,
    sourceArn: string,
    sourceAccount: string,
): boolean {
    return statements.some(
        (s) =>
            s.qualifier === qualifier &&
            ["lambda:InvokeFunction", "lambda:*", "*"].includes(s.action) &&
            (s.principal === API_GATEWAY || s.principal === "*") &&
            (s.sourceAccount === undefined || s.sourceAccount === sourceAccount) &&
            (s.sourceArn === undefined || arnLike(s.sourceArn, sourceArn)),
    );
}

/** IAM's ArnLike: each of the six colon-separated parts matched on its own, `*` any run and `?` one character. */
export function arnLike(pattern: string, arn: string): boolean {
    const parts = (text: string) => {
        const split = text.split(":");
        return [...split.slice(0, 5), split.slice(5).join(":")];
    };
    if (pattern.split(":").length < 6 || arn.split(":").length < 6) return false;
    const [p, a] = [parts(pattern), parts(arn)];
    return p.every((part, i) => iamMatches(part, a[i]));
}

/** Single values (the last of a repeated name) and every value, by name as sent; null when there is none. */
function singleAndMulti(
    pairs: readonly (readonly [string, string])[],
): [Record<string, string> | null, Record<string, string[]> | null] {
    if (pairs.length === 0) return [null, null];
    const single = prototypeFree<string>();
    const multi = prototypeFree<string[]>();
    for (const [name, value] of pairs) {
        single[name] = value;
        (multi[name] ??= []).push(value);
    }
    return [single, multi];
}

/** Whether a content type is one of the API's binary media types (`x-amazon-apigateway-binary-media-types`, `*` wildcards). */
function isBinary(contentType: string | undefined, request: IntegrationRequest): boolean {
    const types = request.document["x-amazon-apigateway-binary-media-types"];
    if (contentType === undefined || !Array.isArray(types)) return false;
    const [type, subtype] = contentType.split(";")[0].trim().toLowerCase().split("/");
    return types.some((t) => {
        if (typeof t !== "string") return false;
        const [wantedType, wantedSubtype] = t.toLowerCase().split("/");
        return (wantedType === "*" || wantedType === type) && (wantedSubtype === "*" || wantedSubtype === subtype);
    });
}

/** `20/Feb/2018:22:48:57 +0000`, `$context.requestTime`. */
function requestTime(epochMs: number): string {
    const d = new Date(epochMs);
    const month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][d.getUTCMonth()];
    const pad = (n: number) => String(n).padStart(2, "0");
    return `${pad(d.getUTCDate())}/${month}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/**
 * API Gateway's REST proxy event (payload version 1.0): the request as routed, with the caller's
 * identity in `requestContext.identity`. Every map keyed by a name the caller chose has no prototype.
 */
export function proxyEvent(request: IntegrationRequest): Record<string, unknown> {
    const headerPairs: [string, string][] = request.headers
        .filter(([name]) => !NOT_IN_EVENT.has(name.toLowerCase()))
        .map(([name, value]) => [name, value]);
    // API Gateway's front end adds these before the integration sees the request.
    headerPairs.push(
        [
            "X-Amzn-Trace-Id",
            `Root=1-${Math.floor(request.requestTimeEpoch / 1000).toString(16)}-${randomBytes(12).toString("hex")}`,
        ],
        ["X-Forwarded-For", request.sourceIp],
        ["X-Forwarded-Port", "443"],
        ["X-Forwarded-Proto", "https"],
    );
    const [headers, multiValueHeaders] = singleAndMulti(headerPairs);
    const [queryStringParameters, multiValueQueryStringParameters] = singleAndMulti(
        request.query.map((p) => [p.name, p.value] as const),
    );
    const pathParameters =
        request.pathParams.size === 0
            ? null
            : Object.assign(prototypeFree<string>(), Object.fromEntries(request.pathParams));
    const stageVariables =
        request.stageVariables.size === 0
            ? null
            : Object.assign(prototypeFree<string>(), Object.fromEntries(request.stageVariables));
    const binary = isBinary(headerValues(request.headers, "content-type")[0], request);
    const stagePrefix = `/${request.stage}`;
    return {
        resource: request.resourcePath,
        path: request.path.slice(stagePrefix.length) || "/",
        httpMethod: request.httpMethod,
        headers,
        multiValueHeaders,
        queryStringParameters,
        multiValueQueryStringParameters,
        pathParameters,
        stageVariables,
        requestContext: {
            resourceId: resourceIdOf(request.resourcePath),
            resourcePath: request.resourcePath,
            httpMethod: request.httpMethod,
            extendedRequestId: request.requestId,
            requestTime: requestTime(request.requestTimeEpoch),
            path: request.path,
            accountId: request.accountId,
            protocol: "HTTP/1.1",
            stage: request.stage,
            domainPrefix: request.apiId,
            requestTimeEpoch: request.requestTimeEpoch,
            requestId: request.requestId,
            identity: requestIdentity(request.caller, request.sourceIp, headerValues(request.headers, "user-agent")[0]),
            domainName: request.host,
            deploymentId: request.deploymentId,
            apiId: request.apiId,
        },
        body:
            request.body.length === 0 ? null : binary ? request.body.toString("base64") : request.body.toString("utf8"),
        isBase64Encoded: binary && request.body.length > 0,
    };
}

/** A stable resource id per path template, in API Gateway's shape (ten lower-case letters and digits). */
function resourceIdOf(template: string): string {
    let hash = 0;
    for (const char of template) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0;
    return hash.toString(36).padStart(10, "0").slice(-10);
}

/**
 * The method response from a proxy function's result, as API Gateway maps it: `statusCode` (default
 * 200), `headers` merged with `multiValueHeaders` (whose values win), `body` decoded from base64 when
 * `isBase64Encoded` and the client accepts a binary media type. Anything else in the result, or a field of
 * the wrong type, is a malformed response: 502.
 */
export function proxyResponse(
    invocation: Invocation & { kind: "result" },
    request: IntegrationRequest,
): IntegrationOutcome {
    let result: unknown;
    try {
        result = JSON.parse(invocation.payload);
    } catch {
        result = undefined;
    }
    const problem = malformation(result);
    if (problem !== undefined)
        return failure(
            badGatewayInternal(),
            `Execution failed due to configuration error: Malformed Lambda proxy response (${problem})`,
        );
    const response = result as {
        statusCode?: number | string;
        headers?: Record<string, string | boolean>;
        multiValueHeaders?: Record<string, (string | boolean)[]>;
        body?: string | null;
        isBase64Encoded?: boolean;
    };
    const headers = prototypeFree<string>();
    const multiValueHeaders = prototypeFree<string[]>();
    headers["Content-Type"] = "application/json";
    const put = (name: string, values: string[]) => {
        const target = integrationHeaderName(name);
        if (target === undefined) return;
        for (const existing of Object.keys(headers))
            if (existing.toLowerCase() === target.toLowerCase()) delete headers[existing];
        if (values.length === 1) headers[target] = values[0];
        else multiValueHeaders[target] = values;
    };
    for (const [name, value] of Object.entries(response.headers ?? {})) put(name, [String(value)]);
    for (const [name, values] of Object.entries(response.multiValueHeaders ?? {})) put(name, values.map(String));
    const text = response.body ?? "";
    const accepts = headerValues(request.headers, "accept")[0]?.split(",")[0];
    const body = response.isBase64Encoded === true && isBinary(accepts, request) ? Buffer.from(text, "base64") : text;
    return { response: { status: Number(response.statusCode ?? 200), headers, multiValueHeaders, body } };
}

/** Why a proxy function's result is not one API Gateway can map; undefined when it is. */
function malformation(result: unknown): string | undefined {
    if (!isJsonObject(result))
        return `the result is ${result === undefined ? "not JSON" : JSON.stringify(result)?.slice(0, 40)}, not an object`;
    const extra = Object.keys(result).filter((k) => !PROXY_RESPONSE_FIELDS.has(k));
    if (extra.length > 0)
        return `it has ${extra.map((k) => JSON.stringify(k)).join(", ")}; only statusCode, headers, multiValueHeaders, body and isBase64Encoded are allowed`;
    const { statusCode, headers, multiValueHeaders, body, isBase64Encoded } = result;
    if (
        statusCode !== undefined &&
        !(Number.isInteger(statusCode) || (typeof statusCode === "string" && /^\d+$/.test(statusCode)))
    )
        return `statusCode ${JSON.stringify(statusCode)} is not a whole number`;
    const status = Number(statusCode ?? 200);
    // A 1xx is never a final answer in HTTP: a client would wait for another (inferred; AWS does not say).
    if (status < 200 || status > 599) return `statusCode ${status} is not the status of a final HTTP response`;
    const scalar = (v: unknown) => typeof v === "string" || typeof v === "boolean";
    if (headers !== undefined && headers !== null && !(isJsonObject(headers) && Object.values(headers).every(scalar)))
        return "headers must map names to strings";
    if (
        multiValueHeaders !== undefined &&
        multiValueHeaders !== null &&
        !(
            isJsonObject(multiValueHeaders) &&
            Object.values(multiValueHeaders).every((v) => Array.isArray(v) && v.every(scalar))
        )
    )
        return "multiValueHeaders must map names to lists of strings";
    if (body !== undefined && body !== null && typeof body !== "string")
        return `body must be a string (JSON.stringify it); got ${typeof body}`;
    if (isBase64Encoded !== undefined && typeof isBase64Encoded !== "boolean")
        return "isBase64Encoded must be true or false";
    // What HTTP cannot carry (a name that is no token, a value with CR, LF or NUL) is malformed too.
    const named = [
        ...Object.entries(isJsonObject(headers) ? headers : {}).map(([name, value]) => [name, [value]] as const),
        ...Object.entries(isJsonObject(multiValueHeaders) ? multiValueHeaders : {}).map(
            ([name, values]) => [name, values as unknown[]] as const,
        ),
    ];
    for (const [name, values] of named) {
        try {
            http.validateHeaderName(name);
            for (const value of values) http.validateHeaderValue(name, String(value));
        } catch {
            return `the header ${JSON.stringify(name)} cannot be sent over HTTP`;
        }
    }
    return undefined;
}
