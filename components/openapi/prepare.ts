import { InvalidSecuredRestApiInput } from "../errors";
import {
    AWS_VARIABLES,
    awsVariableFindings,
    awsVariablesUsed,
    LONGEST_AWS_VALUES,
    PREVIEW_AWS_VALUES,
    resolveAwsVariables,
} from "./awsVariables";
import { fillPlaceholders, placeholderFindings, wireLambdaIntegrations } from "./backends";
import { Finding, FindingKind, orderFindings, securityFinding } from "./findings";
import { importFindings } from "./importRules";
import { isJsonObject, JsonObject, listOperations, OpenApiDocument, operationKey } from "./operations";
import { bodySizeFinding, detectVersion, OpenApiSpecInput, parseSpec, SpecVersion } from "./parse";
import { secureDocument, SecuredOperation } from "./secure";
import { noPathsFinding, validateDocument } from "./validate";
import { addCors, CorsArgs } from "./cors";
import {
    allowPublicOperations,
    documentPolicyProblems,
    policyStatementsForBody,
    resourcePolicySizeProblem,
    ResourcePolicyStatement,
} from "../policies/resourcePolicy";

/** The extension that carries the API's resource policy inside the body. */
export const POLICY_EXTENSION = "x-amazon-apigateway-policy";

/** The outcome of taking in a user's spec: the document API Gateway will import, secured. */
export interface PreparedSpec {
    /** Which format the input was written in. */
    readonly version: SpecVersion;
    /** The secured document (a private copy; the input is never modified). */
    readonly document: OpenApiDocument;
    /** The secured document as the compact JSON sent as the REST API's `body`: same input, same bytes. */
    readonly body: string;
    /** Every operation with the authorization it ends up with. */
    readonly operations: readonly SecuredOperation[];
    /**
     * What API Gateway would import with a warning (kind `warning`: fatal under `failOnWarnings`, see
     * `resolveSettings`) or silently ignore (kind `ignored`), one finding per rule, in that order.
     */
    readonly warnings: readonly Finding[];
    /**
     * The operations `lambdaIntegrations` wired: canonical operation key (`GET /items`) by entry as given.
     * Their integration URIs are written already when the function ARN was known, pending otherwise.
     */
    readonly lambdaOperations: ReadonlyMap<string, string>;
    /** The AWS variables the document uses (`AWS::Region`, …): resolved with the stack's values in the body sent. */
    readonly awsVariables: ReadonlySet<string>;
}

export interface PrepareOptions {
    /** Operations left without IAM, as `"VERB /path"`. */
    readonly publicOperations?: readonly string[];
    /** Statements added to the document's resource policy (`x-amazon-apigateway-policy`). */
    readonly resourcePolicy?: readonly ResourcePolicyStatement[];
    /** The API's endpoint type, which decides what the resource policy must and must not say. */
    readonly endpointType?: string;
    /** The stage the API is deployed to, against which the resource policy is judged. @default "test" */
    readonly stageName?: string;
    /**
     * Operations served by a Lambda function (`"VERB /path"` → its ARN, or undefined when only
     * `pulumi up` knows it): each gets an `aws_proxy` integration.
     */
    readonly lambdaIntegrations?: Readonly<Record<string, string | undefined>>;
    /**
     * Values of the `{{name}}` placeholders inside the integrations (undefined when only `pulumi up`
     * knows it): known ones are filled now, so the import rules judge what AWS will receive.
     */
    readonly specValues?: Readonly<Record<string, string | undefined>>;
    /** Preflights, CORS headers and gateway responses for browser apps (see `addCors`). */
    readonly cors?: CorsArgs;
    /** Resource policy statements that depend on the secured operations (cross-account grants). */
    readonly grantStatements?: (operations: readonly SecuredOperation[]) => readonly ResourcePolicyStatement[];
}

/**
 * Parses, checks and secures an OpenAPI 3.0 / Swagger 2.0 document (object or JSON/YAML text), and
 * adds the resource policy statements to its `x-amazon-apigateway-policy`. Pure and synchronous, so it
 * can run before any resource is registered. Throws `InvalidSecuredRestApiInput` listing every security
 * problem (first) and every rule API Gateway's import would refuse; returns the warnings.
 */
export function prepareSpec(spec: OpenApiSpecInput, options: PrepareOptions = {}): PreparedSpec {
    const document = parseSpec(spec);
    const version = detectVersion(document);
    const noPaths = noPathsFinding(document);
    if (noPaths) throw InvalidSecuredRestApiInput.fromFindings([noPaths]);

    const integrity = validateDocument(document);
    const specValues = options.specValues ?? {};
    const placeholders = placeholderFindings(document, Object.keys(specValues));
    fillPlaceholders(document, specValues);
    const lambda = wireLambdaIntegrations(document, options.lambdaIntegrations ?? {});
    const cors = options.cors ? addCors(document, version, options.cors) : { preflights: [], findings: [] };
    const {
        operations,
        findings: security,
        ignored,
    } = secureDocument(document, version, [...(options.publicOperations ?? []), ...cors.preflights]);
    const statements = [...(options.resourcePolicy ?? []), ...(options.grantStatements?.(operations) ?? [])];
    // A browser's preflight is unsigned: behind any resource policy it needs an explicit Allow (see allowPublicOperations).
    if (cors.preflights.length > 0 && (statements.length > 0 || document[POLICY_EXTENSION] !== undefined))
        statements.unshift({ ...allowPublicOperations(cors.preflights), Sid: "AllowCorsPreflights" });
    if (statements.length > 0) addPolicyStatements(document, policyStatementsForBody(statements));
    const body = JSON.stringify(document);
    // The checks judge the document as it will be sent, AWS variables resolved: with stand-ins of the right
    // shape for the rules, with the longest values for the size limits.
    const judged = resolveAwsVariables(document, PREVIEW_AWS_VALUES);
    const longest = resolveAwsVariables(document, LONGEST_AWS_VALUES);
    const size = bodySizeFinding(JSON.stringify(longest));
    const findings = orderFindings([
        ...integrity,
        ...awsVariableFindings(document),
        ...cors.findings,
        ...security,
        ...ignored,
        ...placeholders,
        ...lambda.findings,
        ...resourcePolicyFindings(
            judged,
            longest,
            operations,
            options.endpointType ?? "REGIONAL",
            options.stageName ?? "test",
        ),
        ...importFindings(judged, version),
        ...(size ? [size] : []),
    ]);
    const fatal = findings.filter((f) => f.kind === FindingKind.Security || f.kind === FindingKind.Refused);
    if (fatal.length > 0) throw InvalidSecuredRestApiInput.fromFindings(fatal);
    assertEverySecured(document, operations);
    const awsVariables = new Set([...awsVariablesUsed(document)].filter((name) => AWS_VARIABLES.has(name)));
    return { version, document, body, operations, warnings: findings, lambdaOperations: lambda.wired, awsVariables };
}

/**
 * The operations a document deploys, with their authorization, from the document as a program gives it
 * to the component: only what decides them is checked (parsing, the paths, securing with
 * `publicOperations`), not its integrations, which the program may wire (`lambdaIntegrations`) or fill
 * (`specValues`). For tools that prove a deployed API against its document (`npm run smoke -- --spec`).
 */
export function operationsOfSpec(
    spec: OpenApiSpecInput,
    publicOperations: readonly string[] = [],
): readonly SecuredOperation[] {
    const document = parseSpec(spec);
    const noPaths = noPathsFinding(document);
    if (noPaths) throw InvalidSecuredRestApiInput.fromFindings([noPaths]);
    const integrity = validateDocument(document);
    const { operations, findings } = secureDocument(document, detectVersion(document), publicOperations);
    const fatal = orderFindings([...integrity, ...findings]).filter(
        (f) => f.kind === FindingKind.Security || f.kind === FindingKind.Refused,
    );
    if (fatal.length > 0) throw InvalidSecuredRestApiInput.fromFindings(fatal);
    return operations;
}

/** The contract, checked once more on what is sent: a method left otherwise is a bug, said loudly. */
function assertEverySecured(document: OpenApiDocument, operations: readonly SecuredOperation[]): void {
    const expected = new Map(operations.map((o) => [operationKey(o.verb, o.path), o.authorization]));
    for (const { verb, path, operation } of listOperations(document)) {
        const key = operationKey(verb, path);
        const auth = operation["x-amazon-apigateway-auth"];
        if (!isJsonObject(auth) || auth.type !== expected.get(key)) {
            throw new Error(
                `Internal error: ${key} would be deployed with ${JSON.stringify(auth)}, not ${expected.get(key)}.`,
            );
        }
    }
}

/**
 * The final resource policy's problems (see `documentPolicyProblems`), judged on `document`, its size on
 * `longest` (the same document with the longest values of its AWS variables); a PRIVATE API needs one.
 */
function resourcePolicyFindings(
    document: OpenApiDocument,
    longest: OpenApiDocument,
    operations: readonly SecuredOperation[],
    endpointType: string,
    stageName: string,
): Finding[] {
    const policy = document[POLICY_EXTENSION] ?? (endpointType === "PRIVATE" ? { Statement: [] } : undefined);
    const size = policy === undefined ? undefined : resourcePolicySizeProblem(longest[POLICY_EXTENSION] ?? policy);
    return [...documentPolicyProblems(policy, endpointType, operations, stageName), ...(size ? [size] : [])].map(
        (problem) => securityFinding("resource-policy", POLICY_EXTENSION, problem),
    );
}

/**
 * Kept inside the body, the policy is part of every import: a body update can never wipe it, as it can
 * wipe a policy managed as a separate resource. Statements already in the document are kept first.
 */
function addPolicyStatements(document: OpenApiDocument, statements: readonly ResourcePolicyStatement[]): void {
    const existing = document[POLICY_EXTENSION];
    const policy: JsonObject = isJsonObject(existing) ? existing : { Version: "2012-10-17" };
    const current =
        policy.Statement === undefined ? [] : Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
    document[POLICY_EXTENSION] = { ...policy, Statement: [...(current as unknown[]), ...statements] };
}
