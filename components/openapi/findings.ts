/**
 * What the intake of a document can find, in order of weight:
 * - `security`: the document would break the component's contract (every operation AWS_IAM unless listed
 *   public, every reference inside the document) or leave a method open: always an error, reported first;
 * - `refused`: API Gateway's import (or the first deployment) would fail on it: an error naming AWS's rule;
 * - `warning`: API Gateway imports it with a warning, so with `failOnWarnings: true` (the default) the import
 *   is rolled back: an error then, a `pulumi.log.warn` on the component otherwise;
 * - `ignored`: API Gateway imports it silently but does not do what the document says: never an error (the
 *   import succeeds even with `failOnWarnings`), always a `pulumi.log.warn`.
 */
export const FindingKind = {
    Security: "security",
    Refused: "refused",
    Warning: "warning",
    Ignored: "ignored",
} as const;
export type FindingKind = (typeof FindingKind)[keyof typeof FindingKind];

/** One problem with the document: which rule, where, and a sentence naming the problem and the fix. */
export interface Finding {
    readonly kind: FindingKind;
    /** The rule's id, e.g. `model-name` (see {@link IMPORT_RULES}). */
    readonly rule: string;
    /** Where in the document, the way users read it, e.g. `paths["/pets"].get`. */
    readonly location: string;
    /** The whole message: problem, location, AWS rule where there is one, and the fix. */
    readonly message: string;
}

/** A rule API Gateway's import applies, with the AWS source it is taken from. */
export interface ImportRule {
    readonly id: string;
    readonly kind: typeof FindingKind.Refused | typeof FindingKind.Warning | typeof FindingKind.Ignored;
    /** AWS's rule (or AWS's own message) in a few words, quoted in every finding of the rule. */
    readonly awsRule: string;
    /** Where AWS says so. */
    readonly source: string;
}

const KNOWN_ISSUES =
    "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html#api-gateway-known-issues-rest-apis";
const IMPORT_WARNINGS =
    "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-import-api-errors-warnings.html";

/**
 * Every API Gateway rule the intake checks (kinds refused, warning, ignored). The README's table lists the
 * same ids; `tests/openapi/importRules.test.ts` triggers each one and checks the table.
 */
export const IMPORT_RULES = {
    openapiVersion: {
        id: "openapi-version",
        kind: "refused",
        awsRule: "API Gateway imports OpenAPI 2.0 (Swagger) and OpenAPI 3.0 definition files",
        source: "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-import-api.html",
    },
    definitionSize: {
        id: "definition-size",
        kind: "refused",
        awsRule: "The maximum size of the API definition file is 6MB",
        source: "https://docs.aws.amazon.com/apigateway/latest/api/API_ImportRestApi.html (body)",
    },
    modelName: {
        id: "model-name",
        kind: "refused",
        awsRule:
            'Model names can only contain alphanumeric characters (import error "Model name must be alphanumeric")',
        source: KNOWN_ISSUES,
    },
    pathSegment: {
        id: "path-segment",
        kind: "refused",
        awsRule:
            "Path segments can only contain alphanumeric characters, hyphens, periods, commas and curly braces; path parameters must be separate path segments",
        source: KNOWN_ISSUES,
    },
    siblingPathVariables: {
        id: "sibling-path-variables",
        kind: "refused",
        awsRule:
            'import error "A sibling ({id}) of this resource already has a variable path part -- only one is allowed"',
        source: `${IMPORT_WARNINGS} (errors discard the import); wording as API Gateway's import returns it`,
    },
    integrationType: {
        id: "integration-type",
        kind: "refused",
        awsRule: "the integration type is one of aws, aws_proxy, http, http_proxy, mock",
        source: "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-integration.html",
    },
    integrationUri: {
        id: "integration-uri",
        kind: "refused",
        awsRule:
            "for HTTP or HTTP_PROXY integrations the URI must be a fully formed HTTP(S) URL; for AWS or AWS_PROXY it is of the form arn:aws:apigateway:{region}:{service}:path|action/{service_api}",
        source: "https://docs.aws.amazon.com/apigateway/latest/api/API_PutIntegration.html (uri)",
    },
    integrationHttpMethod: {
        id: "integration-http-method",
        kind: "refused",
        awsRule: "the integration's HTTP method is required unless the integration is MOCK",
        source: "https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_apigateway.IntegrationProps.html (integrationHttpMethod)",
    },
    missingIntegration: {
        id: "missing-integration",
        kind: "refused",
        awsRule: 'the deployment fails with "No integration defined for method"',
        source: "https://docs.aws.amazon.com/apigateway/latest/api/API_CreateDeployment.html",
    },
    primitiveResponseSchema: {
        id: "primitive-response-schema",
        kind: "warning",
        awsRule:
            "In method responses, schema definition must be of an object type and cannot be of primitive types (import warning \"Unsupported model type 'StringSchema' in 200 response to method 'GET /'. Ignoring.\")",
        source: KNOWN_ISSUES,
    },
    multipleServers: {
        id: "multiple-servers",
        kind: "warning",
        awsRule:
            'import warning "More than one server provided. Ignoring all but the first for defining endpoint configuration"',
        source: `${IMPORT_WARNINGS}; wording as API Gateway's import returns it`,
    },
    unexpectedAttribute: {
        id: "unexpected-attribute",
        kind: "warning",
        awsRule: 'import warning "Parse issue: attribute <location> is unexpected"',
        source: `${IMPORT_WARNINGS}; wording as API Gateway's import returns it (also hashicorp/terraform-provider-aws TestAccAPIGatewayRestAPI_FailOnWarnings)`,
    },
    modelKeyword: {
        id: "model-keyword",
        kind: "ignored",
        awsRule:
            "additionalProperties, anyOf, oneOf, discriminator, exclusiveMinimum and readOnly are not supported in API Gateway models",
        source: KNOWN_ISSUES,
    },
    undefinedSecurityScheme: {
        id: "undefined-security-scheme",
        kind: "ignored",
        awsRule:
            "a security requirement is matched to a scheme by name, and one naming no scheme adds no authorizer or API key requirement; no import error or warning is documented for it",
        // AWS's open-source importer, which API Gateway's import grew from: the method's authorization type comes from x-amazon-apigateway-auth, a requirement is looked up by name and skipped when absent.
        source: `https://github.com/amazon-archives/aws-apigateway-importer/blob/master/src/com/amazonaws/service/apigateway/importer/impl/sdk/ApiGatewaySdkSwaggerApiImporter.java (getAuthorizationType, isApiKeyRequired); ${IMPORT_WARNINGS} lists no such warning`,
    },
    securitySchemeType: {
        id: "security-scheme-type",
        kind: "ignored",
        awsRule: "The securitySchemes type, if used, must be apiKey",
        source: KNOWN_ISSUES,
    },
} as const satisfies Record<string, ImportRule>;

/** A finding of one of the {@link IMPORT_RULES}: AWS's rule is quoted after the problem, then the fix. */
export function ruleFinding(rule: ImportRule, location: string, problem: string, fix: string): Finding {
    const consequence =
        rule.kind === "refused"
            ? "API Gateway refuses it"
            : rule.kind === "warning"
              ? "API Gateway imports it with a warning, which fails the import under failOnWarnings"
              : "API Gateway ignores it";
    return {
        kind: rule.kind,
        rule: rule.id,
        location,
        message: `${problem} ${consequence} (AWS: ${rule.awsRule}). ${fix}`,
    };
}

/** A finding against the component's own contract (security or the document's integrity). */
export function securityFinding(rule: string, location: string, message: string): Finding {
    return { kind: FindingKind.Security, rule, location, message };
}

const KIND_ORDER: readonly FindingKind[] = ["security", "refused", "warning", "ignored"];

/** Up to this many findings of one rule are reported one by one; more are folded into one message. */
const MAX_SEPARATE_FINDINGS = 3;
/** How many further locations a folded finding names before it says "and N more". */
const MAX_LISTED_LOCATIONS = 4;

/**
 * Orders findings by weight (security first) and folds a rule's findings, other than security ones,
 * into one naming the other locations when there are more than a few, so one slip repeated through a
 * document reads as one message. Security findings are all kept: each is a method's authorization.
 */
export function orderFindings(findings: readonly Finding[]): Finding[] {
    const sorted = [...findings].sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
    const byRule = new Map<string, Finding[]>();
    for (const f of sorted) {
        if (f.kind !== FindingKind.Security) byRule.set(f.rule, [...(byRule.get(f.rule) ?? []), f]);
    }
    const result: Finding[] = [];
    for (const f of sorted) {
        const group = f.kind === FindingKind.Security ? [f] : byRule.get(f.rule)!;
        if (group.length <= MAX_SEPARATE_FINDINGS) result.push(f);
        else if (group[0] === f) result.push(folded(group));
    }
    return result;
}

function folded(group: readonly Finding[]): Finding {
    const [first, ...rest] = group;
    const others = rest.map((g) => g.location);
    const listed = others.slice(0, MAX_LISTED_LOCATIONS).join(", ");
    const more = others.length > MAX_LISTED_LOCATIONS ? ` and ${others.length - MAX_LISTED_LOCATIONS} more` : "";
    return { ...first, message: `${first.message} The same applies at ${listed}${more}.` };
}
