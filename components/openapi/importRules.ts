import { hasPlaceholder, INTEGRATION_EXTENSION } from "./backends";
import { Finding, IMPORT_RULES, ruleFinding } from "./findings";
import { isJsonObject, JsonObject, listOperations, OpenApiDocument, Operation, operationKey } from "./operations";
import { SpecVersion } from "./parse";
import { escapePointer, pointerToLocation } from "./validate";

/**
 * What API Gateway's importer refuses, warns about or ignores, each rule taken from AWS's documentation
 * or from AWS's own import messages (see `IMPORT_RULES` and the README's table). Run on the document
 * as it will be sent, so the yardstick is exactly what API Gateway receives.
 */
export function importFindings(document: OpenApiDocument, version: SpecVersion): Finding[] {
    const operations = listOperations(document);
    return [
        ...modelNameFindings(document, version),
        ...pathFindings(document),
        ...integrationFindings(operations),
        ...primitiveResponseFindings(operations, version),
        ...(version === "openapi3" ? [...serverFindings(document), ...unexpectedAttributeFindings(document)] : []),
        ...modelKeywordFindings(document, version),
        ...securitySchemeTypeFindings(document, version),
    ];
}

/** The models API Gateway creates: `definitions` (2.0) or `components.schemas` (3.0), with their pointer. */
function modelsOf(document: OpenApiDocument, version: SpecVersion): { pointer: string; models: JsonObject } {
    if (version === "swagger2") {
        return { pointer: "/definitions", models: isJsonObject(document.definitions) ? document.definitions : {} };
    }
    const components = isJsonObject(document.components) ? document.components : {};
    return {
        pointer: "/components/schemas",
        models: isJsonObject(components.schemas) ? components.schemas : {},
    };
}

function modelNameFindings(document: OpenApiDocument, version: SpecVersion): Finding[] {
    const { pointer, models } = modelsOf(document, version);
    return Object.keys(models)
        .filter((name) => !/^[A-Za-z0-9]+$/.test(name))
        .map((name) => {
            const where = pointerToLocation(`${pointer}/${escapePointer(name)}`);
            const suggestion = name.replace(/[^A-Za-z0-9]/g, "") || "Model1";
            return ruleFinding(
                IMPORT_RULES.modelName,
                where,
                `Model ${JSON.stringify(name)} (${where}) has characters other than letters and digits.`,
                `Rename it, for example to ${JSON.stringify(suggestion)}, and update the $refs to it.`,
            );
        });
}

/** A literal path segment API Gateway creates a resource for; underscores and colons as in AWS-imported documents. */
const LITERAL_SEGMENT = /^[A-Za-z0-9._,:-]+$/;
/** A path parameter: the whole segment, `{name}` or (greedy) `{name+}`. */
const PARAMETER_SEGMENT = /^\{([^{}/+]+)(\+?)\}$/;

function pathFindings(document: OpenApiDocument): Finding[] {
    const paths = isJsonObject(document.paths) ? document.paths : {};
    const findings: Finding[] = [];
    /** Parent path → the variable segment first seen under it, and the path it came from. */
    const variables = new Map<string, { segment: string; path: string }>();
    for (const path of Object.keys(paths)) {
        const where = pointerToLocation(`/paths/${escapePointer(path)}`);
        const problem = pathProblem(path);
        if (problem !== undefined) {
            findings.push(
                ruleFinding(
                    IMPORT_RULES.pathSegment,
                    where,
                    `Path ${JSON.stringify(path)} ${problem}.`,
                    "Rename the path: use letters, digits, -, ., _, , and : in literal segments, and {name} (or a final {name+}) as whole segments.",
                ),
            );
            continue;
        }
        const segments = path === "/" ? [] : path.slice(1).split("/");
        segments.forEach((segment, i) => {
            if (!PARAMETER_SEGMENT.test(segment)) return;
            const parent = `/${segments.slice(0, i).join("/")}`;
            const seen = variables.get(parent);
            if (seen === undefined) variables.set(parent, { segment, path });
            else if (seen.segment !== segment) {
                findings.push(
                    ruleFinding(
                        IMPORT_RULES.siblingPathVariables,
                        where,
                        `Paths ${JSON.stringify(seen.path)} and ${JSON.stringify(path)} put two different variable path parts (${seen.segment}, ${segment}) under ${parent}.`,
                        `Use one name for the variable at that level in every path, for example ${seen.segment}.`,
                    ),
                );
            }
        });
    }
    return findings;
}

/** Why a path template cannot become API Gateway resources, or undefined when it can. */
function pathProblem(path: string): string | undefined {
    if (!path.startsWith("/")) return "does not start with /";
    if (path === "/") return undefined;
    const segments = path.slice(1).split("/");
    for (let i = 0; i < segments.length; i++) {
        const segment = segments[i];
        if (segment === "") return "has an empty segment (a doubled or trailing /)";
        const parameter = PARAMETER_SEGMENT.exec(segment);
        if (parameter) {
            if (parameter[2] === "+" && i !== segments.length - 1) {
                return `has the greedy parameter ${segment} before its last segment`;
            }
        } else if (!LITERAL_SEGMENT.test(segment)) {
            return segment.includes("{")
                ? `has the segment ${JSON.stringify(segment)}, where a path parameter is not the whole segment`
                : `has the segment ${JSON.stringify(segment)}, with characters API Gateway does not allow`;
        }
    }
    return undefined;
}

const INTEGRATION_TYPES = ["aws", "aws_proxy", "http", "http_proxy", "mock"];

function integrationFindings(operations: readonly Operation[]): Finding[] {
    const findings: Finding[] = [];
    for (const { verb, path, methodKey, operation } of operations) {
        const key = operationKey(verb, path);
        const pointer = `/paths/${escapePointer(path)}/${escapePointer(methodKey)}`;
        const integration = operation[INTEGRATION_EXTENSION];
        if (!isJsonObject(integration)) {
            const where = pointerToLocation(pointer);
            findings.push(
                ruleFinding(
                    IMPORT_RULES.missingIntegration,
                    where,
                    `Operation ${key} (${where}) has no ${INTEGRATION_EXTENSION}.`,
                    `Add an integration (mock, http, http_proxy, aws or aws_proxy), or serve it from a Lambda function with lambdaIntegrations: { ${JSON.stringify(key)}: fn.arn }.`,
                ),
            );
            continue;
        }
        // A reference to a shared integration (an HTTP API feature) is checked where it points.
        if (typeof integration.$ref === "string") continue;
        const where = pointerToLocation(`${pointer}/${INTEGRATION_EXTENSION}`);
        const type = typeof integration.type === "string" ? integration.type.toLowerCase() : undefined;
        if (type === undefined || !INTEGRATION_TYPES.includes(type)) {
            findings.push(
                ruleFinding(
                    IMPORT_RULES.integrationType,
                    where,
                    `Operation ${key} (${where}) has integration type ${JSON.stringify(integration.type)}.`,
                    `Set type to one of ${INTEGRATION_TYPES.join(", ")}.`,
                ),
            );
            continue;
        }
        if (type === "mock") continue;
        const method = integration.httpMethod;
        if (typeof method !== "string" || method.trim() === "") {
            findings.push(
                ruleFinding(
                    IMPORT_RULES.integrationHttpMethod,
                    `${where}.httpMethod`,
                    `Operation ${key} (${where}) has a ${type} integration without httpMethod.`,
                    'Set httpMethod (POST for Lambda functions), for example httpMethod: "POST".',
                ),
            );
        }
        const uriProblem = integrationUriProblem(type, integration.uri);
        if (uriProblem !== undefined) {
            findings.push(
                ruleFinding(
                    IMPORT_RULES.integrationUri,
                    `${where}.uri`,
                    `Operation ${key} (${where}) has a ${type} integration whose uri ${uriProblem}.`,
                    type.startsWith("http")
                        ? 'Set uri to the backend URL, for example "https://backend.example.com/pets".'
                        : 'Set uri to an API Gateway service ARN, for example "arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/<function ARN>/invocations".',
                ),
            );
        }
    }
    return findings;
}

function integrationUriProblem(type: string, uri: unknown): string | undefined {
    if (typeof uri !== "string" || uri.trim() === "") return "is missing";
    // A stage variable is resolved per stage at request time, a placeholder at `pulumi up`: only AWS can judge the result.
    if (uri.includes("${stageVariables.") || hasPlaceholder(uri)) return undefined;
    if (type.startsWith("http")) {
        return /^https?:\/\/[^\s/]+\S*$/i.test(uri) ? undefined : `${JSON.stringify(uri)} is not an http(s) URL`;
    }
    return /^arn:[^:\s]+:apigateway:[^:\s]*:[^:\s]+:(path|action)\/\S*$/.test(uri)
        ? undefined
        : `${JSON.stringify(uri)} is not of the form arn:aws:apigateway:{region}:{service}:path|action/{service_api}`;
}

const PRIMITIVE_TYPES = new Map([
    ["string", "StringSchema"],
    ["number", "NumberSchema"],
    ["integer", "IntegerSchema"],
    ["boolean", "BooleanSchema"],
]);

function primitiveResponseFindings(operations: readonly Operation[], version: SpecVersion): Finding[] {
    const findings: Finding[] = [];
    for (const { verb, path, methodKey, operation } of operations) {
        const responses = isJsonObject(operation.responses) ? operation.responses : {};
        for (const [status, response] of Object.entries(responses)) {
            if (!isJsonObject(response)) continue;
            const base = `/paths/${escapePointer(path)}/${escapePointer(methodKey)}/responses/${escapePointer(status)}`;
            const schemas: { pointer: string; schema: unknown }[] =
                version === "swagger2"
                    ? [{ pointer: `${base}/schema`, schema: response.schema }]
                    : Object.entries(isJsonObject(response.content) ? response.content : {}).map(([type, media]) => ({
                          pointer: `${base}/content/${escapePointer(type)}/schema`,
                          schema: isJsonObject(media) ? media.schema : undefined,
                      }));
            for (const { pointer, schema } of schemas) {
                if (!isJsonObject(schema) || schema.$ref !== undefined) continue;
                const model = typeof schema.type === "string" ? PRIMITIVE_TYPES.get(schema.type) : undefined;
                if (model === undefined) continue;
                const where = pointerToLocation(pointer);
                findings.push(
                    ruleFinding(
                        IMPORT_RULES.primitiveResponseSchema,
                        where,
                        `Operation ${operationKey(verb, path)} declares a response schema of primitive type ${String(schema.type)} at ${where} ("Unsupported model type '${model}' in ${status} response to method '${operationKey(verb, path)}'. Ignoring.").`,
                        "Use an object schema, a $ref to a model, or no schema (content: {} in OpenAPI 3); or set failOnWarnings: false to import it with the warning.",
                    ),
                );
            }
        }
    }
    return findings;
}

function serverFindings(document: OpenApiDocument): Finding[] {
    if (!Array.isArray(document.servers) || document.servers.length <= 1) return [];
    return [
        ruleFinding(
            IMPORT_RULES.multipleServers,
            "servers",
            `The document lists ${document.servers.length} servers.`,
            "Keep only the first (API Gateway ignores the others), or set failOnWarnings: false to import it with the warning.",
        ),
    ];
}

const ROOT_KEYS = ["openapi", "info", "servers", "paths", "components", "security", "tags", "externalDocs"];
const COMPONENTS_KEYS = [
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
];
const PARAMETER_KEYS = [
    "$ref",
    "name",
    "in",
    "description",
    "required",
    "deprecated",
    "allowEmptyValue",
    "style",
    "explode",
    "allowReserved",
    "schema",
    "example",
    "examples",
    "content",
];

/**
 * Keys OpenAPI 3.0 does not define, where API Gateway's parser reports them: the document root,
 * `components`, and parameters (a Swagger 2.0 `type` left on an OpenAPI 3 parameter, for example).
 */
function unexpectedAttributeFindings(document: OpenApiDocument): Finding[] {
    const findings: Finding[] = [];
    const report = (pointer: string, attribute: string, fix: string) => {
        const where = pointerToLocation(pointer);
        findings.push(
            ruleFinding(
                IMPORT_RULES.unexpectedAttribute,
                where,
                `${where} is not an OpenAPI 3.0 attribute ("Parse issue: attribute ${attribute} is unexpected").`,
                `${fix}, or set failOnWarnings: false to import it with the warning.`,
            ),
        );
    };
    const unexpected = (node: JsonObject, allowed: readonly string[]) =>
        Object.keys(node).filter((key) => !allowed.includes(key) && !key.startsWith("x-"));
    for (const key of unexpected(document, ROOT_KEYS)) report(`/${escapePointer(key)}`, key, `Remove ${key}`);
    const components = isJsonObject(document.components) ? document.components : {};
    for (const key of unexpected(components, COMPONENTS_KEYS)) {
        report(`/components/${escapePointer(key)}`, `components.${key}`, `Remove components.${key}`);
    }
    const paths = isJsonObject(document.paths) ? document.paths : {};
    for (const [path, pathItem] of Object.entries(paths)) {
        if (!isJsonObject(pathItem)) continue;
        const lists: { pointer: string; label: string; parameters: unknown }[] = [
            { pointer: `/paths/${escapePointer(path)}`, label: `paths.'${path}'`, parameters: pathItem.parameters },
            ...Object.entries(pathItem)
                .filter(([, op]) => isJsonObject(op))
                .map(([method, op]) => ({
                    pointer: `/paths/${escapePointer(path)}/${escapePointer(method)}`,
                    label: `paths.'${path}'(${method})`,
                    parameters: (op as JsonObject).parameters,
                })),
        ];
        for (const { pointer, label, parameters } of lists) {
            if (!Array.isArray(parameters)) continue;
            parameters.forEach((parameter: unknown, i) => {
                if (!isJsonObject(parameter)) return;
                for (const key of unexpected(parameter, PARAMETER_KEYS)) {
                    const name = typeof parameter.name === "string" ? parameter.name : String(i);
                    report(
                        `${pointer}/parameters/${i}/${escapePointer(key)}`,
                        `${label}.parameters.[${name}].${key}`,
                        key === "type" || key === "format" || key === "enum" || key === "items"
                            ? `Move ${key} into the parameter's schema (schema: {${key}: …})`
                            : `Remove ${key}`,
                    );
                }
            });
        }
    }
    return findings;
}

const UNSUPPORTED_MODEL_KEYWORDS = [
    "additionalProperties",
    "anyOf",
    "oneOf",
    "discriminator",
    "exclusiveMinimum",
    "readOnly",
];

/** The unsupported keywords a model's schema uses anywhere inside it (not property names). */
function unsupportedKeywords(schema: unknown, found: Set<string>, depth = 0): void {
    if (!isJsonObject(schema) || depth > 32) return;
    for (const keyword of UNSUPPORTED_MODEL_KEYWORDS) if (schema[keyword] !== undefined) found.add(keyword);
    const children: unknown[] = [
        ...Object.values(isJsonObject(schema.properties) ? schema.properties : {}),
        schema.items,
        schema.additionalProperties,
        schema.not,
        ...["allOf", "anyOf", "oneOf"].flatMap((k) => (Array.isArray(schema[k]) ? (schema[k] as unknown[]) : [])),
    ];
    for (const child of children) unsupportedKeywords(child, found, depth + 1);
}

function modelKeywordFindings(document: OpenApiDocument, version: SpecVersion): Finding[] {
    const { pointer, models } = modelsOf(document, version);
    const findings: Finding[] = [];
    for (const [name, schema] of Object.entries(models)) {
        const found = new Set<string>();
        unsupportedKeywords(schema, found);
        if (found.size === 0) continue;
        const where = pointerToLocation(`${pointer}/${escapePointer(name)}`);
        findings.push(
            ruleFinding(
                IMPORT_RULES.modelKeyword,
                where,
                `Model ${name} (${where}) uses ${[...found].join(", ")}.`,
                "API Gateway's request validation may not enforce them: validate in the integration too, or remove them.",
            ),
        );
    }
    return findings;
}

function securitySchemeTypeFindings(document: OpenApiDocument, version: SpecVersion): Finding[] {
    const components = isJsonObject(document.components) ? document.components : {};
    const [pointer, schemes] =
        version === "swagger2"
            ? ["/securityDefinitions", document.securityDefinitions]
            : ["/components/securitySchemes", components.securitySchemes];
    return Object.entries(isJsonObject(schemes) ? schemes : {})
        .filter(([, scheme]) => isJsonObject(scheme) && scheme.type !== "apiKey")
        .map(([name, scheme]) => {
            const where = pointerToLocation(`${pointer}/${escapePointer(name)}`);
            return ruleFinding(
                IMPORT_RULES.securitySchemeType,
                where,
                `Security scheme ${name} (${where}) is of type ${JSON.stringify((scheme as JsonObject).type)}.`,
                "Every operation is AWS_IAM anyway; remove the scheme, or implement that authentication with a Lambda authorizer on operations listed in publicOperations.",
            );
        });
}
