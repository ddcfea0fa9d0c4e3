import { InvalidSecuredRestApiInput } from "../errors";
import { AwsValues, awsVariableFindings, resolveAwsVariables } from "./awsVariables";
import { Finding, securityFinding } from "./findings";
import {
    describeOperations,
    isJsonObject,
    JsonObject,
    listOperations,
    OpenApiDocument,
    operationKey,
    OPERATION_VERBS,
    parseOperationKey,
} from "./operations";
import { escapePointer, pointerToLocation } from "./validate";

/**
 * Backends of the same program, wired into the document: Lambda functions by operation
 * (`lambdaIntegrations`) and `{{name}}` placeholders filled from `specValues`. Pure: the document is
 * checked and wired at preview, and the values that are only known at `pulumi up` are filled into the
 * final body by {@link fillBackends}.
 */

/** The extension API Gateway reads an operation's integration from. */
export const INTEGRATION_EXTENSION = "x-amazon-apigateway-integration";

/**
 * A placeholder: `{{name}}`, name a letter or `_` then letters, digits and `_`. API Gateway reads
 * `${stageVariables.x}` and `$context`/`$input`/`$util` in integrations and `{param}` in paths; none of its
 * syntaxes has a double brace around a bare name, so a placeholder is never something AWS would read.
 */
const PLACEHOLDER = /\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}/g;
/** What a `specValues` key must look like: a placeholder's name. */
const PLACEHOLDER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `arn:<partition>:lambda:<region>:<account>:function:<name>[:<version or alias>]`, the forms of a
 * function ARN an `aws_proxy` integration's URI takes (CreateFunction's FunctionName rules for the name).
 */
const FUNCTION_ARN =
    /^arn:(aws[a-z-]*):lambda:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):function:([A-Za-z0-9_-]{1,64})(?::(\$LATEST|[A-Za-z0-9_-]{1,128}))?$/;

/** A Lambda function's ARN, taken apart. */
export interface FunctionArn {
    readonly partition: string;
    readonly region: string;
    readonly accountId: string;
    readonly name: string;
    /** A version number or alias name, when the ARN is qualified. */
    readonly qualifier: string | undefined;
}

export function parseFunctionArn(arn: string): FunctionArn | undefined {
    const match = FUNCTION_ARN.exec(arn);
    if (!match) return undefined;
    const [, partition, region, accountId, name, qualifier] = match;
    return { partition, region, accountId, name, qualifier };
}

/**
 * The URI of an `aws_proxy` integration invoking a function:
 * `arn:<partition>:apigateway:<API's region>:lambda:path/2015-03-31/functions/<function ARN>/invocations`,
 * the service part in the API's region as AWS's developer guide writes it (the function's until that
 * region is known, at preview).
 */
export function lambdaInvocationUri(functionArn: string, apiRegion?: string): string {
    const arn = parseFunctionArn(functionArn);
    if (!arn) throw new Error(`Internal error: ${JSON.stringify(functionArn)} was not checked as a function ARN.`);
    return `arn:${arn.partition}:apigateway:${apiRegion ?? arn.region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`;
}

/** Why a `lambdaIntegrations` value is not a function ARN, with the fix; undefined when it is one. */
export function functionArnProblem(entry: string, value: string): string | undefined {
    if (parseFunctionArn(value)) return undefined;
    const given = `lambdaIntegrations[${JSON.stringify(entry)}] is ${JSON.stringify(value)}`;
    const invokeArn = /^arn:[^:]+:apigateway:[^:]+:lambda:path\/[^/]+\/functions\/(.+)\/invocations$/.exec(value);
    if (invokeArn)
        return `${given}, a function's invocation URI (its invokeArn); pass the function's ARN instead (fn.arn, here ${JSON.stringify(invokeArn[1])}).`;
    return `${given}, not a Lambda function ARN (arn:<partition>:lambda:<region>:<account>:function:<name>); pass the function's arn output (fn.arn), not its name.`;
}

/** The URI written for a wired operation whose function ARN is only known at `pulumi up`; always replaced. */
export const PENDING_LAMBDA_URI =
    "arn:aws:apigateway:{function-region}:lambda:path/2015-03-31/functions/{function-arn}/invocations";

/** The integration the component writes for an operation served by a Lambda function (proxy, POST). */
function lambdaProxyIntegration(functionArn: string | undefined): JsonObject {
    return {
        type: "aws_proxy",
        httpMethod: "POST",
        uri: functionArn === undefined ? PENDING_LAMBDA_URI : lambdaInvocationUri(functionArn),
        passthroughBehavior: "when_no_match",
    };
}

/**
 * Writes an `aws_proxy` integration on every operation named in `lambdaIntegrations` (entries as
 * `publicOperations` takes them; values the function ARN when known now, undefined when only `pulumi up`
 * knows it). Each entry must name one operation of the document that has no integration of its own.
 * Returns the canonical operation keys wired, by entry, and what stood in the way.
 */
export function wireLambdaIntegrations(
    document: OpenApiDocument,
    lambdaIntegrations: Readonly<Record<string, string | undefined>>,
): { readonly wired: ReadonlyMap<string, string>; readonly findings: Finding[] } {
    const findings: Finding[] = [];
    const wired = new Map<string, string>();
    const byKey = new Map(listOperations(document).map((o) => [operationKey(o.verb, o.path), o]));
    const problem = (rule: string, message: string) =>
        findings.push(securityFinding(rule, "lambdaIntegrations", message));
    const keyOf = new Map<string, string>();
    for (const [entry, functionArn] of Object.entries(lambdaIntegrations)) {
        const key = parseOperationKey(entry);
        if (key === undefined) {
            problem(
                "lambda-integration-form",
                `lambdaIntegrations entry ${JSON.stringify(entry)} is not of the form "VERB /path" with VERB one of ${[...OPERATION_VERBS.values()].join(", ")}.`,
            );
            continue;
        }
        const found = byKey.get(key);
        if (!found) {
            problem(
                "lambda-integration-unknown",
                `lambdaIntegrations entry ${JSON.stringify(entry)} matches no operation of the document. Operations are: ${describeOperations(byKey.keys())}.`,
            );
            continue;
        }
        const earlier = keyOf.get(key);
        if (earlier !== undefined) {
            problem(
                "lambda-integration-duplicate",
                `lambdaIntegrations entries ${JSON.stringify(earlier)} and ${JSON.stringify(entry)} both name ${key}; keep one.`,
            );
            continue;
        }
        keyOf.set(key, entry);
        const location = pointerToLocation(`/paths/${escapePointer(found.path)}/${escapePointer(found.methodKey)}`);
        if (found.operation[INTEGRATION_EXTENSION] !== undefined) {
            problem(
                "lambda-integration-conflict",
                `Operation ${key} (${location}) has an ${INTEGRATION_EXTENSION} of its own and is also in lambdaIntegrations; remove one of them.`,
            );
            continue;
        }
        if (functionArn !== undefined) {
            const arnProblem = functionArnProblem(entry, functionArn);
            if (arnProblem) {
                problem("lambda-integration-arn", arnProblem);
                continue;
            }
        }
        found.operation[INTEGRATION_EXTENSION] = lambdaProxyIntegration(functionArn);
        wired.set(entry, key);
    }
    return { wired, findings };
}

/** Every string inside each operation's integration, with where it is, for reading or rewriting. */
function integrationStrings(document: OpenApiDocument, visit: (text: string, pointer: string) => string | void): void {
    const walk = (node: unknown, pointer: string, set: (value: string) => void): void => {
        if (typeof node === "string") {
            const replaced = visit(node, pointer);
            if (typeof replaced === "string" && replaced !== node) set(replaced);
        } else if (Array.isArray(node)) {
            node.forEach((item, i) => walk(item, `${pointer}/${i}`, (v) => (node[i] = v)));
        } else if (isJsonObject(node)) {
            for (const [key, value] of Object.entries(node))
                walk(value, `${pointer}/${escapePointer(key)}`, (v) => (node[key] = v));
        }
    };
    for (const { path, methodKey, operation } of listOperations(document)) {
        const pointer = `/paths/${escapePointer(path)}/${escapePointer(methodKey)}/${INTEGRATION_EXTENSION}`;
        walk(operation[INTEGRATION_EXTENSION], pointer, (v) => (operation[INTEGRATION_EXTENSION] = v));
    }
}

/** Every `{{name}}` anywhere in the document, by name, with the first place it appears. */
function placeholdersAnywhere(node: unknown, pointer = "", found = new Map<string, string>()): Map<string, string> {
    if (typeof node === "string") {
        for (const [, name] of node.matchAll(PLACEHOLDER)) if (!found.has(name)) found.set(name, pointer);
    } else if (Array.isArray(node)) {
        node.forEach((item, i) => placeholdersAnywhere(item, `${pointer}/${i}`, found));
    } else if (isJsonObject(node)) {
        for (const [key, value] of Object.entries(node))
            placeholdersAnywhere(value, `${pointer}/${escapePointer(key)}`, found);
    }
    return found;
}

/**
 * Checks the document's placeholders against the `specValues` names: every `{{name}}` inside an
 * integration needs a value, and every value must fill at least one placeholder there. Placeholders are
 * filled inside `x-amazon-apigateway-integration` only, where nothing decides who may call the API;
 * `{{...}}` anywhere else is text like any other.
 */
export function placeholderFindings(document: OpenApiDocument, names: readonly string[]): Finding[] {
    const findings: Finding[] = [];
    const known = new Set(names);
    const used = new Set<string>();
    for (const name of names) {
        if (!PLACEHOLDER_NAME.test(name)) {
            findings.push(
                securityFinding(
                    "placeholder-name",
                    "specValues",
                    `specValues key ${JSON.stringify(name)} cannot be a placeholder's name: use a letter or "_" followed by letters, digits or "_", and write it {{name}} in the document.`,
                ),
            );
        }
    }
    const reported = new Set<string>();
    integrationStrings(document, (text, pointer) => {
        for (const [placeholder, name] of text.matchAll(PLACEHOLDER)) {
            used.add(name);
            if (known.has(name) || reported.has(name)) continue;
            reported.add(name);
            const location = pointerToLocation(pointer);
            findings.push(
                securityFinding(
                    "placeholder-unknown",
                    location,
                    `Placeholder ${placeholder} at ${location} has no value: add specValues: { ${name}: <value> } (to keep the text ${placeholder} as it is, pass ${name}: ${JSON.stringify(placeholder)}).`,
                ),
            );
        }
    });
    const elsewhere = placeholdersAnywhere(document);
    for (const name of names) {
        if (used.has(name) || !PLACEHOLDER_NAME.test(name)) continue;
        const outside = elsewhere.get(name);
        const note =
            outside === undefined
                ? ""
                : ` ({{${name}}} appears at ${pointerToLocation(outside)}, outside any integration, where nothing is filled)`;
        findings.push(
            securityFinding(
                "placeholder-unused",
                "specValues",
                `specValues entry ${JSON.stringify(name)} fills no placeholder: no ${INTEGRATION_EXTENSION} of the document has {{${name}}}${note}. Write {{${name}}} where the value goes inside an integration, or remove the entry.`,
            ),
        );
    }
    return findings;
}

/** Fills `{{name}}` placeholders inside the integrations with the values given; others stay as they are. */
export function fillPlaceholders(
    document: OpenApiDocument,
    values: Readonly<Record<string, string | undefined>>,
): void {
    integrationStrings(document, (text) =>
        text.replace(PLACEHOLDER, (placeholder, name: string) =>
            Object.prototype.hasOwnProperty.call(values, name) && typeof values[name] === "string"
                ? values[name]
                : placeholder,
        ),
    );
}

/** Whether a string of an integration still holds a placeholder (only AWS can judge such a URI). */
export function hasPlaceholder(text: string): boolean {
    return new RegExp(PLACEHOLDER.source).test(text);
}

/** What {@link fillBackends} fills: placeholder values, and function ARNs by operation key. */
export interface BackendValues {
    readonly specValues: Readonly<Record<string, string>>;
    readonly lambdaArns: ReadonlyMap<string, string>;
    /** The API's region, the service region of every Lambda URI. */
    readonly apiRegion: string;
    /** The stack's account, partition and region, when the document uses AWS variables. */
    readonly awsValues?: AwsValues;
}

/**
 * The body API Gateway receives: the secured body with every placeholder filled, every wired operation's
 * Lambda URI written and every AWS variable resolved. Throws, naming the entry, for a function ARN that is
 * not one or a value bringing in an AWS variable API Gateway does not know; and, loudly, if anything the
 * component wires was left unfilled.
 */
export function fillBackends(body: string, values: BackendValues): string {
    const nothingToFill = Object.keys(values.specValues).length === 0 && values.lambdaArns.size === 0;
    if (nothingToFill && values.awsValues === undefined) return body;
    let document = JSON.parse(body) as OpenApiDocument;
    fillPlaceholders(document, values.specValues);
    const unknown = awsVariableFindings(document);
    if (unknown.length > 0) throw InvalidSecuredRestApiInput.fromFindings(unknown);
    if (values.awsValues !== undefined) document = resolveAwsVariables(document, values.awsValues);
    for (const { verb, path, operation } of listOperations(document)) {
        const arn = values.lambdaArns.get(operationKey(verb, path));
        const integration = operation[INTEGRATION_EXTENSION];
        if (arn !== undefined && isJsonObject(integration))
            integration.uri = lambdaInvocationUri(arn, values.apiRegion);
        if (isJsonObject(integration) && integration.uri === PENDING_LAMBDA_URI)
            throw new Error(
                `Internal error: ${operationKey(verb, path)} was wired to a Lambda function but got no ARN.`,
            );
    }
    return JSON.stringify(document);
}
