import { Finding, IMPORT_RULES, ruleFinding, securityFinding } from "./findings";
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
import { SpecVersion } from "./parse";
import { escapePointer, pointerToLocation } from "./validate";

/** The name under which the SigV4 security scheme is declared in the secured document. */
export const SIGV4_SCHEME_NAME = "sigv4";

/** The scheme API Gateway exports for AWS_IAM methods; importing it (or the auth extension) sets AWS_IAM. */
export const SIGV4_SCHEME: Readonly<JsonObject> = Object.freeze({
    type: "apiKey",
    name: "Authorization",
    in: "header",
    "x-amazon-apigateway-authtype": "awsSigv4",
});

const AUTH_EXTENSION = "x-amazon-apigateway-auth";

/** How one operation of the secured document is authorized. */
export interface SecuredOperation {
    /** API Gateway's verb (`GET`, …, `ANY`). */
    readonly verb: string;
    /** The path template, e.g. `/pets/{petId}`. */
    readonly path: string;
    /** `AWS_IAM` for every operation except those listed in `publicOperations` (`NONE`). */
    readonly authorization: "AWS_IAM" | "NONE";
    /** Whether an API key is required in addition to the signature (kept from the input). */
    readonly apiKeyRequired: boolean;
}

/** What kind of authorization a security scheme of a document stands for. */
export type SchemeKind = "sigv4" | "apiKey" | "lambdaAuthorizer" | "cognito" | "other";

function classifyScheme(scheme: JsonObject): SchemeKind {
    const authType = lowerText(scheme["x-amazon-apigateway-authtype"]);
    const authorizer = scheme["x-amazon-apigateway-authorizer"];
    const authorizerType = isJsonObject(authorizer) ? lowerText(authorizer.type) : "";
    if (authType === "awssigv4") return "sigv4";
    if (authType === "cognito_user_pools" || authorizerType === "cognito_user_pools") return "cognito";
    if (authType === "custom" || authorizer !== undefined) return "lambdaAuthorizer";
    const isApiKeyHeader =
        scheme.type === "apiKey" && scheme.in === "header" && String(scheme.name).toLowerCase() === "x-api-key";
    return isApiKeyHeader ? "apiKey" : "other";
}

/** A scheme an operation's security requirement names, and what it stands for. */
export interface RequiredScheme {
    readonly name: string;
    /**
     * The scheme's kind; `undefined` when the document does not define it, `malformed` when its definition
     * is not an object (API Gateway drops both requirements on import).
     */
    readonly kind: SchemeKind | "undefined" | "malformed";
}

/** API Gateway's authorization types (a Method's `authorizationType`), and `INVALID` for an auth type none of them is. */
export type AuthorizationType = "AWS_IAM" | "NONE" | "CUSTOM" | "COGNITO_USER_POOLS" | "INVALID";

/** How one operation of a document is authorized, as its `x-amazon-apigateway-auth` and security requirements say. */
export interface OperationAuthorization {
    readonly verb: string;
    readonly path: string;
    readonly methodKey: string;
    /** The operation object itself (the live object inside the document). */
    readonly operation: JsonObject;
    /**
     * `x-amazon-apigateway-auth`'s type (compared case-insensitively, as API Gateway does); `{ invalid }`
     * holding what it says when that is neither AWS_IAM nor NONE; undefined when the operation has none.
     */
    readonly authExtension: "AWS_IAM" | "NONE" | { readonly invalid: unknown } | undefined;
    /** Every scheme of its security requirements (its own, else the document's top-level ones), in order. */
    readonly requirements: readonly RequiredScheme[];
    /** Whether the requirements come from the document's top-level `security`. */
    readonly inherited: boolean;
    /**
     * What the method is deployed as, read so that any sign of another authorization wins over AWS_IAM: a
     * Lambda or Cognito authorizer among the requirements, an invalid or NONE auth type; AWS_IAM only from
     * the auth type or a SigV4 scheme; NONE when nothing authorizes it.
     */
    readonly authorization: AuthorizationType;
}

/** The format of a document, read without judging its version (that is `detectVersion`'s job). */
export function versionOf(document: OpenApiDocument): SpecVersion {
    return document.swagger !== undefined ? "swagger2" : "openapi3";
}

/**
 * How each operation of an OpenAPI 3 or Swagger 2 document is authorized: the one reading of
 * `x-amazon-apigateway-auth` and security requirements, which `secureDocument` secures by and the
 * policy pack judges any REST API body by. Pure; the document is not modified.
 */
export function operationAuthorizations(
    document: OpenApiDocument,
    version: SpecVersion = versionOf(document),
): OperationAuthorization[] {
    const schemes = schemesOf(document, version, false) ?? {};
    return listOperations(document).map(({ verb, path, methodKey, operation }) => {
        const auth = operation[AUTH_EXTENSION];
        const authType = isJsonObject(auth) ? lowerText(auth.type).toUpperCase() : undefined;
        const authExtension =
            auth === undefined
                ? undefined
                : authType === "AWS_IAM" || authType === "NONE"
                  ? authType
                  : { invalid: isJsonObject(auth) ? auth.type : auth };
        const security = operation.security ?? document.security;
        const requirements = (Array.isArray(security) ? (security as unknown[]) : []).flatMap((requirement) =>
            Object.keys(isJsonObject(requirement) ? requirement : {}).map((name): RequiredScheme => {
                const scheme = schemes[name];
                const kind = isJsonObject(scheme)
                    ? classifyScheme(scheme)
                    : scheme === undefined
                      ? "undefined"
                      : "malformed";
                return { name, kind };
            }),
        );
        const kinds = new Set(requirements.map((r) => r.kind));
        const authorization: AuthorizationType = kinds.has("lambdaAuthorizer")
            ? "CUSTOM"
            : kinds.has("cognito")
              ? "COGNITO_USER_POOLS"
              : typeof authExtension === "object"
                ? "INVALID"
                : authExtension === "NONE"
                  ? "NONE"
                  : authExtension === "AWS_IAM" || kinds.has("sigv4")
                    ? "AWS_IAM"
                    : "NONE";
        return {
            verb,
            path,
            methodKey,
            operation,
            authExtension,
            requirements,
            inherited: operation.security === undefined,
            authorization,
        };
    });
}

/** The security schemes container of the document, created when missing. */
function schemesOf(document: OpenApiDocument, version: SpecVersion, create: boolean): JsonObject | undefined {
    if (version === "swagger2") {
        if (!isJsonObject(document.securityDefinitions) && create) document.securityDefinitions = {};
        return isJsonObject(document.securityDefinitions) ? document.securityDefinitions : undefined;
    }
    if (!isJsonObject(document.components) && create) document.components = {};
    const components = document.components as JsonObject | undefined;
    if (!components) return undefined;
    if (!isJsonObject(components.securitySchemes) && create) components.securitySchemes = {};
    return isJsonObject(components.securitySchemes) ? components.securitySchemes : undefined;
}

/** Every operation with its authorization, and what stood in the way of securing them. */
export interface SecuringResult {
    readonly operations: SecuredOperation[];
    /** Security findings: when any, the document is not secured and must not be deployed. */
    readonly findings: Finding[];
    /** What API Gateway imports but ignores (a requirement of a scheme the document does not define). */
    readonly ignored: Finding[];
}

/**
 * Makes every operation require AWS_IAM (SigV4), in place, and returns how each is authorized.
 *
 * Every operation gets `x-amazon-apigateway-auth: {type: AWS_IAM}` and `security: [{sigv4: []}]` (plus
 * an API-key requirement it already had); operations named in `publicOperations` get `{type: NONE}` and
 * `security: []`. Anything that would leave a method open by accident is a finding, every one listed:
 * an explicit NONE, a Lambda or Cognito authorizer, a `publicOperations` entry that matches nothing.
 */
export function secureDocument(
    document: OpenApiDocument,
    version: SpecVersion,
    publicOperations: readonly string[],
): SecuringResult {
    const findings: Finding[] = [];
    const ignored: Finding[] = [];
    const operations = operationAuthorizations(document, version);
    const schemes = schemesOf(document, version, false) ?? {};

    const publicKeys = new Set<string>();
    const definedKeys = new Set(operations.map((o) => operationKey(o.verb, o.path)));
    for (const entry of publicOperations) {
        const key = typeof entry === "string" ? parseOperationKey(entry) : undefined;
        if (key === undefined) {
            findings.push(
                securityFinding(
                    "public-operation-form",
                    "publicOperations",
                    `publicOperations entry ${JSON.stringify(entry)} is not of the form "VERB /path" with VERB one of ${[...OPERATION_VERBS.values()].join(", ")}.`,
                ),
            );
        } else if (!definedKeys.has(key)) {
            findings.push(
                securityFinding(
                    "public-operation-unknown",
                    "publicOperations",
                    `publicOperations entry ${JSON.stringify(entry)} matches no operation of the document. Operations are: ${describeOperations(definedKeys)}.`,
                ),
            );
        } else {
            publicKeys.add(key);
        }
    }

    const secured: SecuredOperation[] = [];
    for (const { verb, path, methodKey, operation, authExtension, requirements, inherited: fromRoot } of operations) {
        const key = operationKey(verb, path);
        const location = pointerToLocation(`/paths/${escapePointer(path)}/${escapePointer(methodKey)}`);
        const where = `Operation ${key} (${location})`;
        const isPublic = publicKeys.has(key);
        const problem = (rule: string, message: string) => findings.push(securityFinding(rule, location, message));

        if (typeof authExtension === "object") {
            problem(
                "auth-type",
                `${where} declares ${AUTH_EXTENSION} type ${JSON.stringify(authExtension.invalid)}; only AWS_IAM or NONE exist.`,
            );
        } else if (authExtension === "NONE" && !isPublic) {
            problem(
                "auth-none",
                `${where} declares ${AUTH_EXTENSION} NONE, which would leave it open to anyone. Remove it, or list "${key}" in publicOperations if it must be public.`,
            );
        }

        const inherited = fromRoot ? " (inherited from the document's top-level security)" : "";
        const apiKeySchemes = new Set<string>();
        for (const { name: schemeName, kind } of requirements) {
            if (kind === "undefined" || kind === "malformed") {
                // The secured document defines sigv4 itself, so a requirement of it resolves.
                if (schemeName === SIGV4_SCHEME_NAME && kind === "undefined") continue;
                // Dropped like API Gateway drops it: the operation is AWS_IAM whatever the requirement said.
                ignored.push(
                    ruleFinding(
                        IMPORT_RULES.undefinedSecurityScheme,
                        location,
                        `${where} requires security scheme "${schemeName}"${inherited}, which the document does not define.`,
                        `The component secures ${key} with AWS_IAM like every other operation and drops the requirement. Define "${schemeName}" in ${version === "swagger2" ? "securityDefinitions" : "components.securitySchemes"} if it was meant to be an API key, or remove the requirement.`,
                    ),
                );
                continue;
            }
            if ((kind === "lambdaAuthorizer" || kind === "cognito") && !isPublic) {
                const what = kind === "cognito" ? "a Cognito user pool authorizer" : "a Lambda (custom) authorizer";
                problem(
                    "authorizer-not-public",
                    `${where} is authorized by ${what} through scheme "${schemeName}"${inherited}; a method has one authorization type, so it could not also require AWS_IAM. Remove the requirement, or list "${key}" in publicOperations to expose it without IAM.`,
                );
            } else if (kind === "apiKey") {
                apiKeySchemes.add(schemeName);
            }
        }

        if (isPublic) {
            operation[AUTH_EXTENSION] = { type: "NONE" };
            operation.security = [];
        } else {
            operation[AUTH_EXTENSION] = { type: "AWS_IAM" };
            const requirement: JsonObject = { [SIGV4_SCHEME_NAME]: [] };
            for (const name of apiKeySchemes) requirement[name] = [];
            operation.security = [requirement];
        }
        secured.push({
            verb,
            path,
            authorization: isPublic ? "NONE" : "AWS_IAM",
            apiKeyRequired: !isPublic && apiKeySchemes.size > 0,
        });
    }

    const existing = schemes[SIGV4_SCHEME_NAME];
    if (existing !== undefined && !(isJsonObject(existing) && classifyScheme(existing) === "sigv4")) {
        findings.push(
            securityFinding(
                "sigv4-name-taken",
                SIGV4_SCHEME_NAME,
                `The document already defines a security scheme named "${SIGV4_SCHEME_NAME}" that is not SigV4; rename it, since the secured document needs that name for AWS_IAM.`,
            ),
        );
    }
    if (findings.length === 0) schemesOf(document, version, true)![SIGV4_SCHEME_NAME] = { ...SIGV4_SCHEME };
    return { operations: secured, findings, ignored };
}

/** A string field compared case-insensitively, as API Gateway does; anything else reads as "". */
function lowerText(value: unknown): string {
    return typeof value === "string" ? value.toLowerCase() : "";
}

/**
 * Whether an operation of a secured document also requires an API key (API Gateway's
 * `apiKeyRequired`): one of its security requirements names an `x-api-key` header scheme.
 */
export function requiresApiKey(document: OpenApiDocument, operation: JsonObject): boolean {
    const schemes = schemesOf(document, versionOf(document), false) ?? {};
    const requirements = Array.isArray(operation.security) ? (operation.security as unknown[]) : [];
    return requirements.some(
        (requirement) =>
            isJsonObject(requirement) &&
            Object.keys(requirement).some((name) => {
                const scheme = schemes[name];
                return isJsonObject(scheme) && classifyScheme(scheme) === "apiKey";
            }),
    );
}
