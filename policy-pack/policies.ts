import {
    Policies,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { isJsonObject, operationKey } from "../components/openapi/operations";
import { operationAuthorizations, SecuredOperation } from "../components/openapi/secure";
import { broadInvokeGrants } from "../components/policies/identityPolicy";
import { isManagedInvokePolicyArn, MANAGED_INVOKE_POLICY_NAME } from "../components/policies/invokePolicy";
import { ANY_STAGE } from "../components/policies/operationReach";
import { documentPolicyProblems } from "../components/policies/resourcePolicy";
import { MethodSettingsView, stageGaps } from "../components/restApi/stageRules";
import {
    apiName,
    misnamedListings,
    bodyPolicy,
    checkedConfig,
    MethodsPolicyConfig,
    notIamReason,
    publicOperationsOf,
    readBody,
} from "./restApis";
import { UnknownValueError } from "./unknowns";

/** The pack's name, as `pulumi preview` and Pulumi Cloud show it. */
export const POLICY_PACK_NAME = "secured-rest-api-guard";

/** The pack's policies, by name. */
export const POLICY = {
    methodsRequireIam: "rest-api-methods-require-iam",
    resourcePolicyScoped: "rest-api-resource-policy-scoped",
    resourcePolicyCoversAddedMethods: "rest-api-resource-policy-covers-added-methods",
    invokeNotAccountWide: "iam-invoke-not-account-wide",
    noInvokeFullAccess: "iam-no-invoke-full-access",
    noAccessKeys: "iam-no-access-keys-for-api-callers",
    stagesLoggedAndThrottled: "rest-api-stages-logged-and-throttled",
} as const;

/** The resource types the pack reads (Pulumi type tokens of `@pulumi/aws`, which the pack does not load). */
export const TYPES = {
    restApi: "aws:apigateway/restApi:RestApi",
    /** A body put into an existing API (PutRestApi): its methods are the API's, as a RestApi body's are. */
    restApiPut: "aws:apigateway/restApiPut:RestApiPut",
    restApiPolicy: "aws:apigateway/restApiPolicy:RestApiPolicy",
    method: "aws:apigateway/method:Method",
    stage: "aws:apigateway/stage:Stage",
    methodSettings: "aws:apigateway/methodSettings:MethodSettings",
    accessKey: "aws:iam/accessKey:AccessKey",
    policy: "aws:iam/policy:Policy",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    userPolicy: "aws:iam/userPolicy:UserPolicy",
    groupPolicy: "aws:iam/groupPolicy:GroupPolicy",
    role: "aws:iam/role:Role",
    rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    userPolicyAttachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    groupPolicyAttachment: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    policyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
} as const;

type Props = Record<string, unknown>;
const propsOf = (args: { props: Record<string, unknown> }): Props => args.props;

const methodsConfigSchema: PolicyConfigSchema = {
    properties: {
        publicOperations: {
            type: "array",
            description:
                'The operations an API may leave without IAM: [{ "restApi": "<the REST API\'s name>", "operations": ["GET /health"] }] or [{ "tags": { "exposure": "public" }, "operations": [...] }].',
            items: {
                type: "object",
                properties: {
                    restApi: { type: "string" },
                    tags: { type: "object", additionalProperties: { type: "string" } },
                    operations: { type: "array", items: { type: "string" } },
                },
                required: ["operations"],
            },
            default: [],
        },
        publicMethods: {
            type: "array",
            description:
                "aws.apigateway.Method resources allowed without IAM, by Pulumi resource name or URN (a Method's own arguments name neither its API nor its path).",
            items: { type: "string" },
            default: [],
        },
        acceptLambdaAuthorizers: {
            type: "boolean",
            description: "Whether a Lambda (CUSTOM) authorizer counts as authorization.",
            default: false,
        },
        acceptCognitoAuthorizers: {
            type: "boolean",
            description: "Whether a Cognito user pool authorizer counts as authorization.",
            default: false,
        },
    },
};

/** Whether an authorization type is one the configuration accepts. */
function accepted(type: string, config: Required<MethodsPolicyConfig>): boolean {
    return (
        type === "AWS_IAM" ||
        (type === "CUSTOM" && config.acceptLambdaAuthorizers) ||
        (type === "COGNITO_USER_POOLS" && config.acceptCognitoAuthorizers)
    );
}

const IAM_FIX =
    "give it AWS_IAM (x-amazon-apigateway-auth: { type: AWS_IAM } and a SigV4 security requirement, as SecuredRestApi writes for every operation; callers then sign with SigV4 and need execute-api:Invoke on it)";

function validateMethods(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
    if (args.type !== TYPES.restApi && args.type !== TYPES.restApiPut && args.type !== TYPES.method) return;
    const config = checkedConfig(POLICY.methodsRequireIam, args.getConfig<MethodsPolicyConfig>());
    const props = propsOf(args);
    const acceptable = [
        "AWS_IAM",
        ...(config.acceptLambdaAuthorizers ? ["CUSTOM"] : []),
        ...(config.acceptCognitoAuthorizers ? ["COGNITO_USER_POOLS"] : []),
    ].join(" or ");
    if (args.type === TYPES.method) {
        const type = typeof props.authorization === "string" ? props.authorization.toUpperCase() : "NONE";
        if (accepted(type, config) || config.publicMethods.some((m) => m === args.name || m === args.urn)) return;
        reportViolation(
            `aws.apigateway.Method "${args.name}" (${String(props.httpMethod)} on its resource) has authorization ${JSON.stringify(props.authorization ?? "NONE")}, not ${acceptable}: anyone who reaches it is let in without an IAM permission. Fix: set authorization: "AWS_IAM", or, if it must be public, add "${args.name}" to publicMethods in the configuration of ${POLICY.methodsRequireIam}.`,
        );
        return;
    }
    const body = readBody(props.body);
    if (body === undefined) return;
    if ("unreadable" in body) {
        reportViolation(
            `REST API "${args.name}": its body cannot be read, so no method of it can be shown to require IAM: ${body.unreadable}`,
        );
        return;
    }
    const name = apiName(props.name, body.document, args.name);
    let publicKeys: Set<string> | undefined;
    for (const o of operationAuthorizations(body.document)) {
        if (accepted(o.authorization, config)) continue;
        const key = operationKey(o.verb, o.path);
        // Tags are read only now: an API whose every method is IAM never needs them known.
        publicKeys ??= publicOperationsOf(config.publicOperations, name, () => props.tags);
        if (o.authorization === "NONE" && publicKeys.has(key)) continue;
        const authorizer = o.authorization === "CUSTOM" || o.authorization === "COGNITO_USER_POOLS";
        const misnamed = authorizer ? undefined : misnamedListings(config.publicOperations, key, name, args.name);
        const accept = authorizer
            ? `, or set ${o.authorization === "CUSTOM" ? "acceptLambdaAuthorizers" : "acceptCognitoAuthorizers"}: true in the configuration of ${POLICY.methodsRequireIam} if your organisation accepts it`
            : misnamed !== undefined
              ? `, or, if it must be public: ${misnamed}`
              : `, or, if it must be public, list it: { "restApi": "${name}", "operations": ["${key}"] } in publicOperations of the configuration of ${POLICY.methodsRequireIam}`;
        reportViolation(`REST API "${name}": ${key} ${notIamReason(o)}. Fix: ${IAM_FIX}${accept}.`);
    }
}

/** Every operation an API could have, all AWS_IAM: what a resource policy is judged against without its API's body. */
const ANY_OPERATION: readonly SecuredOperation[] = [
    { verb: "ANY", path: "/", authorization: "AWS_IAM", apiKeyRequired: false },
    { verb: "ANY", path: "/{proxy+}", authorization: "AWS_IAM", apiKeyRequired: false },
];

function validateResourcePolicy(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
    if (args.type !== TYPES.restApi && args.type !== TYPES.restApiPut && args.type !== TYPES.restApiPolicy) return;
    const props = propsOf(args);
    const report = (
        subject: string,
        policy: unknown,
        endpointType: string | undefined,
        operations: readonly SecuredOperation[],
    ) => {
        for (const problem of documentPolicyProblems(policy, endpointType, operations, ANY_STAGE))
            reportViolation(`${subject}: ${problem}`);
    };
    const parsed = parsePolicy(props.policy);
    if (parsed !== undefined && "unreadable" in parsed) {
        reportViolation(
            `${args.type === TYPES.restApi ? "REST API" : "aws.apigateway.RestApiPolicy"} "${args.name}": its policy ${parsed.unreadable}`,
        );
        return;
    }
    if (args.type === TYPES.restApiPolicy) {
        if (parsed !== undefined)
            report(
                `aws.apigateway.RestApiPolicy "${args.name}" (its API's operations are not part of it, so every operation counts as AWS_IAM)`,
                parsed.policy,
                undefined,
                ANY_OPERATION,
            );
        return;
    }
    const api = apiPolicy(args.type, args.name, props, parsed);
    if (api !== undefined) report(api.subject, api.policy, api.endpointType, api.operations);
}

/**
 * Whether the import prefixes the body's paths (`parameters: { basepath: "prepend" | "split" }`, API
 * Gateway's import parameter): the routes then differ from the paths the pack reads.
 */
const importsUnderBasePath = (props: Props): boolean =>
    isJsonObject(props.parameters) &&
    typeof props.parameters.basepath === "string" &&
    props.parameters.basepath.toLowerCase() !== "ignore";

/** A REST API's (or a RestApiPut's) resource policy, with its body and endpoint type; undefined without one. */
function apiPolicy(type: string, name: string, props: Props, parsed: { policy: unknown } | undefined) {
    const body = readBody(props.body);
    const document = body !== undefined && "document" in body ? body.document : undefined;
    // The provider re-applies a non-empty `policy` argument after each import, so it wins over the body's.
    const policy = parsed?.policy ?? bodyPolicy(document);
    if (policy === undefined) return undefined;
    const endpoint = isJsonObject(props.endpointConfiguration) ? props.endpointConfiguration.types : undefined;
    // A RestApiPut has no endpoint of its own (it is its API's, unknown here): no endpoint-specific check.
    const endpointType =
        type === TYPES.restApiPut
            ? undefined
            : Array.isArray(endpoint) && typeof endpoint[0] === "string"
              ? endpoint[0]
              : "EDGE";
    const subject = `REST API "${apiName(props.name, document, name)}"`;
    // The operations the policy is judged against: the body's, and every one as AWS_IAM where the body is not all of the routes.
    if (document === undefined)
        return {
            policy,
            endpointType,
            subject: `${subject} (without a body, every operation counts as AWS_IAM)`,
            operations: ANY_OPERATION,
        };
    if (importsUnderBasePath(props))
        return {
            policy,
            endpointType,
            subject: `${subject} (imported with parameters.basepath ${JSON.stringify((props.parameters as Props).basepath)}, so its routes are not the body's paths: every operation counts as AWS_IAM besides the body's)`,
            operations: [...securedOperations(document), ...ANY_OPERATION],
        };
    return { policy, endpointType, subject, operations: securedOperations(document) };
}

/**
 * A REST API's policy is judged above against its own body; where the stack also adds methods to REST
 * APIs (aws.apigateway.Method, RestApiPut), those may be this API's, and every one counts as AWS_IAM.
 */
function validatePoliciesBesideAddedMethods(args: StackValidationArgs, reportViolation: ReportViolation): void {
    const adders = args.resources.filter((r) => r.type === TYPES.method || r.type === TYPES.restApiPut);
    if (adders.length === 0) return;
    for (const resource of args.resources.filter((r) => r.type === TYPES.restApi)) {
        const props = propsOf(resource);
        const parsed = readKnown(() => parsePolicy(props.policy), undefined);
        if (parsed !== undefined && "unreadable" in parsed) continue; // the resource's own check reports it
        const api = readKnown(() => apiPolicy(resource.type, resource.name, props, parsed), undefined);
        if (api === undefined) continue;
        const own = api.operations;
        const judged = new Set(documentPolicyProblems(api.policy, api.endpointType, own, ANY_STAGE));
        for (const problem of documentPolicyProblems(
            api.policy,
            api.endpointType,
            [...own, ...ANY_OPERATION],
            ANY_STAGE,
        ))
            if (!judged.has(problem))
                reportViolation(
                    `${api.subject}: ${problem} (this stack also adds methods to REST APIs with ${adders.map((r) => `"${r.name}"`).join(", ")}, which may be this API's: they count as AWS_IAM operations besides its body's)`,
                    resource.urn,
                );
    }
}

/** The body's operations as the resource-policy checker reads them: AWS_IAM, or anything else as NONE (unsigned callers). */
function securedOperations(document: Record<string, unknown>): SecuredOperation[] {
    return operationAuthorizations(document).map(({ verb, path, authorization }) => ({
        verb,
        path,
        authorization: authorization === "AWS_IAM" ? "AWS_IAM" : "NONE",
        apiKeyRequired: false,
    }));
}

/** A `policy` argument: undefined when empty or unset, else its JSON document, or why it is not one. */
function parsePolicy(value: unknown): { policy: unknown } | { unreadable: string } | undefined {
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value !== "string") return { policy: value };
    try {
        return { policy: JSON.parse(value) as unknown };
    } catch (e) {
        return { unreadable: `is not JSON (${(e as Error).message}); write it with JSON.stringify.` };
    }
}

const IDENTITY_POLICY_TYPES: readonly string[] = [TYPES.policy, TYPES.rolePolicy, TYPES.userPolicy, TYPES.groupPolicy];

function validateInvokeScope(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
    const props = propsOf(args);
    const documents: unknown[] = IDENTITY_POLICY_TYPES.includes(args.type)
        ? [props.policy]
        : args.type === TYPES.role && Array.isArray(props.inlinePolicies)
          ? (props.inlinePolicies as unknown[]).map((p) => (isJsonObject(p) ? p.policy : undefined))
          : [];
    for (const grant of documents.flatMap((d) => broadInvokeGrants(d))) {
        const reach =
            grant.scope === "everything"
                ? "every API of every account that lets it in, those made later included"
                : "every API of that account, those made later included";
        reportViolation(
            `"${args.name}": ${grant.statement} allows execute-api:Invoke on ${grant.resource}: ${reach}, each of their IAM-secured methods callable by whoever holds it. Fix: scope it to one API's stage, arn:<partition>:execute-api:<region>:<account>:<api id>/<stage>/*/* (what SecuredRestApi's invokePolicy "scoped" writes), or to its operations (invokeOperations).`,
        );
    }
}

const ATTACHMENT_TYPES: readonly string[] = [
    TYPES.rolePolicyAttachment,
    TYPES.userPolicyAttachment,
    TYPES.groupPolicyAttachment,
    TYPES.policyAttachment,
];

function validateNoFullAccess(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
    const props = propsOf(args);
    const arns = ATTACHMENT_TYPES.includes(args.type)
        ? [props.policyArn]
        : args.type === TYPES.role && Array.isArray(props.managedPolicyArns)
          ? (props.managedPolicyArns as unknown[])
          : [];
    if (!arns.some(isManagedInvokePolicyArn)) return;
    reportViolation(
        `"${args.name}" attaches AWS's ${MANAGED_INVOKE_POLICY_NAME}: execute-api:* on every API of the account, those made later included. Fix: attach a policy scoped to the API's stage instead (SecuredRestApi's default invokePolicy "scoped", or invokeOperations for some operations).`,
    );
}

function validateNoAccessKeys(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
    if (args.type !== TYPES.accessKey) return;
    reportViolation(
        `IAM access key "${args.name}" is a long-lived credential: a leaked one works until it is rotated or deleted, and Security Hub IAM.3 wants access keys rotated every 90 days. Fix: let API callers assume a role instead (SecuredRestApi's role or identityPool, with createUser: false), or rotate the key within 90 days (SecuredRestApi's accessKeys: ["a", "b"] keeps two while callers switch).`,
    );
}

/** A value of the stack, or `whenUnknown` when only `pulumi up` knows it (the SDK throws on reading it). */
function readKnown<T>(read: () => T, whenUnknown: T): T {
    try {
        return read();
    } catch (e) {
        if (e instanceof UnknownValueError) return whenUnknown;
        throw e;
    }
}

function validateStages(args: StackValidationArgs, reportViolation: ReportViolation): void {
    const SOME_VALUE = "(known at pulumi up)";
    const settings = args.resources
        .filter((r) => r.type === TYPES.methodSettings)
        .map((r) => {
            const props = propsOf(r);
            return {
                stageName: readKnown(() => props.stageName, undefined),
                restApi: readKnown(() => props.restApi, undefined),
                // A value only `pulumi up` knows is a value: the stage counts as throttled.
                view: readKnown(
                    (): MethodSettingsView => ({ methodPath: props.methodPath, settings: props.settings }),
                    { methodPath: "*/*", settings: { throttlingRateLimit: 0, throttlingBurstLimit: 0 } },
                ),
            };
        });
    for (const stage of args.resources.filter((r) => r.type === TYPES.stage)) {
        const props = propsOf(stage);
        const stageName = readKnown(() => props.stageName, undefined);
        const restApi = readKnown(() => props.restApi, undefined);
        const destination = readKnown(
            () => (isJsonObject(props.accessLogSettings) ? props.accessLogSettings.destinationArn : undefined),
            SOME_VALUE,
        );
        const own = settings.filter(
            (s) =>
                s.stageName === stageName &&
                (s.restApi === undefined || restApi === undefined || s.restApi === restApi),
        );
        const name = `Stage "${String(stageName)}" ("${stage.name}")`;
        for (const gap of stageGaps(
            { destinationArn: destination },
            own.map((s) => s.view),
        ))
            reportViolation(
                gap === "accessLogs"
                    ? `${name} has no access logs: who called which method, and what they got, is recorded nowhere. Fix: set accessLogSettings (destinationArn, format), as SecuredRestApi's accessLog: {} does.`
                    : `${name} is not throttled: without an aws.apigateway.MethodSettings for "*/*" with throttlingRateLimit and throttlingBurstLimit, it shares the account's limits with every API of the region, and one flood slows them all. Fix: add that MethodSettings (SecuredRestApi's throttle does).`,
                stage.urn,
            );
    }
}

const methodsPolicy: ResourceValidationPolicy = {
    name: POLICY.methodsRequireIam,
    description:
        "Every method of every REST API (aws.apigateway.RestApi and RestApiPut bodies, OpenAPI 3 or Swagger 2, and aws.apigateway.Method resources) requires AWS_IAM, unless the configuration lists it as public for that API; a Lambda or Cognito authorizer counts only when configured as accepted.",
    enforcementLevel: "mandatory",
    severity: "critical",
    configSchema: methodsConfigSchema,
    validateResource: validateMethods,
};

const policies: Policies = [
    methodsPolicy,
    {
        name: POLICY.resourcePolicyScoped,
        description:
            "No REST API resource policy has an Allow that opens an operation beyond those it names, or to principals beyond those it names (SecuredRestApi's own checker, judged for any stage).",
        enforcementLevel: "mandatory",
        severity: "critical",
        validateResource: validateResourcePolicy,
    },
    {
        name: POLICY.resourcePolicyCoversAddedMethods,
        description:
            "Where a stack adds methods to REST APIs beside their bodies (aws.apigateway.Method, RestApiPut), no REST API resource policy has an Allow to everyone that would open them.",
        enforcementLevel: "mandatory",
        severity: "critical",
        validateStack: validatePoliciesBesideAddedMethods,
    },
    {
        name: POLICY.invokeNotAccountWide,
        description: "No identity policy grants execute-api:Invoke on * or on every API of an account.",
        enforcementLevel: "advisory",
        severity: "high",
        validateResource: validateInvokeScope,
    },
    {
        name: POLICY.noInvokeFullAccess,
        description: `AWS's ${MANAGED_INVOKE_POLICY_NAME} (every API of the account) is not attached.`,
        enforcementLevel: "advisory",
        severity: "medium",
        validateResource: validateNoFullAccess,
    },
    {
        name: POLICY.noAccessKeys,
        description:
            "API callers use roles, not long-lived IAM access keys (Security Hub IAM.3: rotate keys every 90 days).",
        enforcementLevel: "advisory",
        severity: "medium",
        validateResource: validateNoAccessKeys,
    },
    {
        name: POLICY.stagesLoggedAndThrottled,
        description: "Every REST API stage has access logs and throttling of all its methods.",
        enforcementLevel: "advisory",
        severity: "low",
        validateStack: validateStages,
    } satisfies StackValidationPolicy,
];

export { policies };

/** The pack's description: what it guards, and what it does not. */
export const POLICY_PACK_DESCRIPTION =
    "Fails any stack exposing a REST API (API Gateway v1) method without IAM: every method AWS_IAM unless configured public, resource policies that open no more than they name; advises on account-wide invoke grants, AmazonAPIGatewayInvokeFullAccess, IAM access keys and stages without access logs or throttling. HTTP APIs (API Gateway v2, aws.apigatewayv2.*) are out of scope: they have no resource policies and authorize routes differently.";
