import { InvalidSecuredRestApiInput } from "../components/errors";
import { isJsonObject, OpenApiDocument, parseOperationKey } from "../components/openapi/operations";
import { parseSpec } from "../components/openapi/parse";
import { POLICY_EXTENSION } from "../components/openapi/prepare";
import { OperationAuthorization } from "../components/openapi/secure";

/** An entry of `publicOperations`: the operations one API (by name, by tags, or both) may leave without IAM. */
export interface PublicOperationsEntry {
    /** The REST API's name (its `name` argument, else its body's `info.title`). */
    readonly restApi?: string;
    /** Tags the REST API carries (every one of them, value included). */
    readonly tags?: Readonly<Record<string, string>>;
    /** `"VERB /path"`, as `SecuredRestApi`'s `publicOperations` writes them. */
    readonly operations: readonly string[];
}

/** The configuration of `rest-api-methods-require-iam`. */
export interface MethodsPolicyConfig {
    readonly publicOperations?: readonly PublicOperationsEntry[];
    /** `aws.apigateway.Method` resources allowed without IAM, by Pulumi resource name or URN. */
    readonly publicMethods?: readonly string[];
    /** Whether a Lambda (`CUSTOM`) authorizer counts as authorization. @default false */
    readonly acceptLambdaAuthorizers?: boolean;
    /** Whether a Cognito user pool authorizer counts as authorization. @default false */
    readonly acceptCognitoAuthorizers?: boolean;
}

/** The configuration, checked: an entry that could never match, or match everything, is an error naming it. */
export function checkedConfig(policyName: string, config: MethodsPolicyConfig): Required<MethodsPolicyConfig> {
    const problems: string[] = [];
    const where = `policy pack configuration of ${policyName}`;
    const entries = config.publicOperations ?? [];
    if (!Array.isArray(entries))
        problems.push(`${where}: publicOperations must be a list of { restApi or tags, operations }.`);
    (Array.isArray(entries) ? entries : []).forEach((entry: PublicOperationsEntry, i) => {
        const at = `${where}: publicOperations[${i}]`;
        if (!isJsonObject(entry)) {
            problems.push(`${at} must be an object { restApi or tags, operations }.`);
            return;
        }
        if (entry.restApi === undefined && entry.tags === undefined)
            problems.push(
                `${at} names no API: give restApi (the REST API's name) or tags (e.g. { "exposure": "public" }).`,
            );
        if (entry.restApi !== undefined && typeof entry.restApi !== "string")
            problems.push(`${at}.restApi must be the REST API's name, a string.`);
        if (
            entry.tags !== undefined &&
            (!isJsonObject(entry.tags) || !Object.values(entry.tags).every((v) => typeof v === "string"))
        )
            problems.push(`${at}.tags must map tag keys to values, e.g. { "exposure": "public" }.`);
        const operations: unknown = entry.operations;
        if (!Array.isArray(operations)) problems.push(`${at}.operations must be a list of "VERB /path".`);
        for (const operation of Array.isArray(operations) ? (operations as unknown[]) : [])
            if (typeof operation !== "string" || parseOperationKey(operation) === undefined)
                problems.push(
                    `${at}.operations entry ${JSON.stringify(operation)} is not "VERB /path" (e.g. "GET /health").`,
                );
    });
    const methods: unknown = config.publicMethods ?? [];
    if (!Array.isArray(methods) || !methods.every((m) => typeof m === "string"))
        problems.push(`${where}: publicMethods must be a list of aws.apigateway.Method resource names or URNs.`);
    for (const flag of ["acceptLambdaAuthorizers", "acceptCognitoAuthorizers"] as const)
        if (config[flag] !== undefined && typeof config[flag] !== "boolean")
            problems.push(`${where}: ${flag} must be true or false.`);
    if (problems.length > 0) throw new Error(problems.join("\n"));
    return {
        publicOperations: entries,
        publicMethods: methods as string[],
        acceptLambdaAuthorizers: config.acceptLambdaAuthorizers ?? false,
        acceptCognitoAuthorizers: config.acceptCognitoAuthorizers ?? false,
    };
}

/** A REST API's body, read: the document, or why it cannot be read; undefined without a body. */
export type ReadBody = { readonly document: OpenApiDocument } | { readonly unreadable: string } | undefined;

/** Reads `body` as API Gateway imports it (JSON or YAML), with the component's own parser. */
export function readBody(body: unknown): ReadBody {
    if (body === undefined || body === null || body === "") return undefined;
    try {
        return { document: parseSpec(body) };
    } catch (e) {
        if (e instanceof InvalidSecuredRestApiInput) return { unreadable: e.problems.join(" ") };
        throw e;
    }
}

/** The API's name as AWS will show it: its `name` argument, else its body's title. */
export function apiName(name: unknown, document: OpenApiDocument | undefined, resourceName: string): string {
    if (typeof name === "string" && name !== "") return name;
    const title = isJsonObject(document?.info) ? document.info.title : undefined;
    return typeof title === "string" ? title : resourceName;
}

/**
 * The operations the configuration leaves public for one API, canonical (`GET /health`). Tags are read
 * only when an entry asks for them (`tags` is a thunk), so an API without such entries never needs them.
 */
export function publicOperationsOf(
    entries: readonly PublicOperationsEntry[],
    name: string,
    tags: () => unknown,
): Set<string> {
    const keys = new Set<string>();
    for (const entry of entries) {
        if (entry.restApi !== undefined && entry.restApi !== name) continue;
        if (entry.tags !== undefined) {
            const carried = tags();
            const has = (k: string, v: string) => isJsonObject(carried) && carried[k] === v;
            if (!Object.entries(entry.tags).every(([k, v]) => has(k, v))) continue;
        }
        for (const operation of entry.operations) keys.add(parseOperationKey(operation)!);
    }
    return keys;
}

/**
 * Entries that list an operation for another API name than this one, or this API's resource name: most
 * likely meant for it (names are matched exactly), so a refusal can say why the listing did not apply.
 */
export function misnamedListings(
    entries: readonly PublicOperationsEntry[],
    key: string,
    name: string,
    resourceName: string,
): string | undefined {
    const near = entries.find(
        (e) =>
            e.restApi !== undefined &&
            e.restApi !== name &&
            (e.restApi.toLowerCase() === name.toLowerCase() || e.restApi === resourceName) &&
            e.operations.some((o) => parseOperationKey(o) === key),
    );
    return near === undefined
        ? undefined
        : `the configuration lists ${key} for restApi "${near.restApi}", which is not this API's name "${name}" (restApi is matched exactly, against the API's name argument or its body's info.title, never its resource name): write "${name}" there`;
}

/** Why an operation is not AWS_IAM, in words a violation can use. */
export function notIamReason(o: OperationAuthorization): string {
    const scheme = (kind: string) => o.requirements.find((r) => r.kind === kind)?.name;
    const inherited = o.inherited ? " (from the document's top-level security)" : "";
    switch (o.authorization) {
        case "CUSTOM":
            return `is authorized by a Lambda authorizer (security scheme "${scheme("lambdaAuthorizer")}"${inherited})`;
        case "COGNITO_USER_POOLS":
            return `is authorized by a Cognito user pool authorizer (security scheme "${scheme("cognito")}"${inherited})`;
        case "INVALID":
            return `declares x-amazon-apigateway-auth type ${JSON.stringify((o.authExtension as { invalid: unknown }).invalid)}, which is neither AWS_IAM nor NONE`;
        default: {
            if (o.authExtension === "NONE") return "declares x-amazon-apigateway-auth NONE: anyone may call it";
            const dropped = o.requirements.filter((r) => r.kind === "undefined" || r.kind === "malformed");
            return dropped.length > 0
                ? `requires security scheme ${dropped.map((r) => `"${r.name}"`).join(", ")}, which the document does not define (API Gateway drops the requirement), so nothing authorizes it: anyone may call it`
                : "has no authorization (no x-amazon-apigateway-auth AWS_IAM, no SigV4 security requirement): anyone may call it";
        }
    }
}

/** The resource policy a body carries (`x-amazon-apigateway-policy`). */
export const bodyPolicy = (document: OpenApiDocument | undefined): unknown => document?.[POLICY_EXTENSION];
