import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_EXECUTION_LOG_RETENTION_DAYS } from "../restApi/accessLog";
import { unknownArgumentProblems } from "./argumentNames";
import {
    CallerPlan,
    callerArgumentProblems,
    crossAccountStatements,
    InvokeScope,
    fencedCrossAccountGrants,
    planCallers,
    scopeKey,
} from "../callers/callers";
import { CorsArgs, corsArgumentProblems } from "../openapi/cors";
import { DomainPlan, planDomain } from "../domain/checks";
import { webAclArgumentProblems } from "../domain/webAcl";
import { InvalidSecuredRestApiInput } from "../errors";
import { isJsonObject } from "../openapi/operations";
import { FindingKind } from "../openapi/findings";
import { prepareSpec, PreparedSpec } from "../openapi/prepare";
import { invokeScopeDocuments } from "../policies/operationPolicy";
import {
    ENDPOINT_TYPES,
    EndpointType,
    EXECUTION_LOGGING_LEVELS,
    ExecutionLoggingLevel,
    INVOKE_POLICY_KINDS,
    InvokePolicyKind,
    SecuredRestApiArgs,
    ThrottleSettings,
} from "./args";

/** Secure by default: a stage answers at most this much unless told otherwise (AWS's account default is 10,000/5,000). */
export const DEFAULT_THROTTLE: Readonly<ThrottleSettings> = { rateLimit: 100, burstLimit: 200 };

/** API Gateway's rule for stage names (CreateStage): letters, digits, `-` and `_`, 1 to 128 of them. */
const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;
/** Labels of access keys become part of resource names. */
const KEY_LABEL = /^[A-Za-z0-9_-]{1,32}$/;
/** IAM allows two access keys per user: enough to rotate without downtime. */
const MAX_ACCESS_KEYS = 2;

/** Every shaping argument with its default applied, and the secured spec. */
export interface Settings {
    readonly spec: PreparedSpec;
    readonly stageName: string;
    readonly invokePolicy: InvokePolicyKind;
    readonly publicOperations: readonly string[];
    readonly endpointType: EndpointType;
    readonly disableExecuteApiEndpoint: boolean;
    readonly failOnWarnings: boolean;
    readonly restApiName: string | undefined;
    readonly throttle: Readonly<ThrottleSettings>;
    readonly executionLoggingLevel: ExecutionLoggingLevel;
    /** The execution log group's retention in days; undefined when execution logging is off. */
    readonly executionLogRetentionInDays: number | undefined;
    readonly accessKeys: readonly string[];
    /**
     * The group's customer-managed invoke policies (stage-wide, or with `invokeOperations` sized for
     * IAM's limits), with a placeholder stage ARN (see `bindStageArn`); undefined for `"managed"`.
     */
    readonly groupScope: InvokeScope | undefined;
    /** The function ARN serving each operation `lambdaIntegrations` wires, by operation key (`GET /items`). */
    readonly lambdaIntegrations: ReadonlyMap<string, pulumi.Input<string>>;
    /** The values of the document's `{{name}}` placeholders, as given. */
    readonly specValues: Readonly<Record<string, pulumi.Input<string>>>;
    /** Who else may call: the user or not, grants, other accounts, the role, the identity pool. */
    readonly callers: CallerPlan;
    /** CORS for browser apps, when asked for (already written into the spec). */
    readonly cors: CorsArgs | undefined;
    /** The custom domain name, when asked for. */
    readonly domain: DomainPlan | undefined;
    /** The WAFv2 web ACL to associate with the stage, when given. */
    readonly webAclArn: pulumi.Input<string> | undefined;
}

/** What the checks may know of where the API goes before anything runs. */
export interface SettingsContext {
    /** The region the API is deployed to (the stack's `aws:region`), when known now. @default unknown */
    readonly region?: string;
}

/**
 * Checks the arguments and prepares the spec. Pure and synchronous: the component calls it before
 * registering itself, so bad input fails `pulumi preview` with nothing created. Argument problems are
 * reported together; spec problems follow once the arguments are sound.
 */
export function resolveSettings(args: SecuredRestApiArgs | undefined, context: SettingsContext = {}): Settings {
    if (!isJsonObject(args)) {
        throw new InvalidSecuredRestApiInput(["args are required: pass at least { openApiSpec }."]);
    }
    const problems: string[] = unknownArgumentProblems(args);
    const stageName = args.stageName ?? "test";
    const invokePolicy = args.invokePolicy ?? "scoped";
    const endpointType = args.endpointType ?? "REGIONAL";
    const publicOperations = args.publicOperations ?? [];

    if (args.openApiSpec === undefined || args.openApiSpec === null) {
        problems.push(
            "openApiSpec is required: pass an OpenAPI 3.0 or Swagger 2.0 document, as an object or as JSON/YAML text.",
        );
    }
    if (typeof stageName !== "string" || !STAGE_NAME.test(stageName)) {
        problems.push(
            `stageName ${JSON.stringify(stageName)} is not a valid API Gateway stage name: use 1 to 128 letters, digits, "-" or "_".`,
        );
    }
    if (!INVOKE_POLICY_KINDS.includes(invokePolicy)) {
        problems.push(
            `invokePolicy ${JSON.stringify(invokePolicy)} is not supported: use "scoped" (this API's stage only) or "managed" (AWS's AmazonAPIGatewayInvokeFullAccess).`,
        );
    }
    if (!ENDPOINT_TYPES.includes(endpointType)) {
        problems.push(
            `endpointType ${JSON.stringify(endpointType)} is not supported: use one of ${ENDPOINT_TYPES.join(", ")} (PRIVATE also needs resourcePolicy: allowAccountThroughVpcEndpoints(<account>, [<vpce>])).`,
        );
    }
    if (!Array.isArray(publicOperations)) {
        problems.push('publicOperations must be a list of operations such as ["OPTIONS /pets"].');
    }
    if (args.restApiName !== undefined && (typeof args.restApiName !== "string" || args.restApiName.trim() === "")) {
        problems.push("restApiName must be a non-empty string when given.");
    }
    const throttle = args.throttle ?? DEFAULT_THROTTLE;
    for (const key of ["rateLimit", "burstLimit"] as const) {
        const value = (throttle as Partial<ThrottleSettings>)[key];
        if (
            typeof value !== "number" ||
            !(value >= 0 || value === -1) ||
            (key === "burstLimit" && !Number.isInteger(value))
        ) {
            problems.push(
                `throttle.${key} ${JSON.stringify(value)} must be a number of at least 0 (a whole number for burstLimit), or -1 for the account's default.`,
            );
        }
    }
    const executionLoggingLevel = args.executionLoggingLevel ?? "OFF";
    if (!EXECUTION_LOGGING_LEVELS.includes(executionLoggingLevel)) {
        problems.push(
            `executionLoggingLevel ${JSON.stringify(executionLoggingLevel)} is not supported: use OFF, ERROR or INFO.`,
        );
    }
    const accessKeys = args.accessKeys ?? ["1"];
    if (args.createUser === false && args.accessKeys !== undefined)
        problems.push(
            "accessKeys names keys of the user, and createUser: false creates no user: remove accessKeys, or drop createUser: false.",
        );
    if (!Array.isArray(accessKeys) || accessKeys.length < 1 || accessKeys.length > MAX_ACCESS_KEYS) {
        problems.push(
            `accessKeys must list 1 or ${MAX_ACCESS_KEYS} key labels (IAM allows ${MAX_ACCESS_KEYS} keys per user); got ${JSON.stringify(accessKeys)}.`,
        );
    } else {
        for (const label of accessKeys) {
            if (typeof label !== "string" || !KEY_LABEL.test(label))
                problems.push(`accessKeys label ${JSON.stringify(label)} must be 1 to 32 letters, digits, "-" or "_".`);
        }
        if (new Set(accessKeys).size !== accessKeys.length)
            problems.push(`accessKeys labels must differ; got ${JSON.stringify(accessKeys)}.`);
    }
    const format = args.accessLog?.format;
    if (format !== undefined && !/\$context\.(requestId|extendedRequestId)\b/.test(format)) {
        problems.push(
            "accessLog.format must include $context.requestId or $context.extendedRequestId; API Gateway refuses access log formats without one.",
        );
    }
    problems.push(...retentionProblems("accessLog.retentionInDays", args.accessLog?.retentionInDays));
    problems.push(...retentionProblems("executionLogRetentionInDays", args.executionLogRetentionInDays));
    if (args.executionLogRetentionInDays !== undefined && executionLoggingLevel === "OFF")
        problems.push(
            'executionLogRetentionInDays keeps execution logs, and executionLoggingLevel is "OFF", so there are none: set executionLoggingLevel to "ERROR" or "INFO", or remove executionLogRetentionInDays.',
        );
    if (args.resourcePolicy !== undefined && !Array.isArray(args.resourcePolicy)) {
        problems.push("resourcePolicy must be a list of statements (see denyOutsideSourceIps and the other helpers).");
    }
    if (args.invokeOperations !== undefined && invokePolicy === "managed") {
        problems.push(
            'invokeOperations narrows the "scoped" policy; with invokePolicy "managed" every API is allowed anyway. Drop one of them.',
        );
    }
    if (
        args.invokeOperations !== undefined &&
        (!Array.isArray(args.invokeOperations) || args.invokeOperations.length === 0)
    ) {
        problems.push('invokeOperations must list at least one operation, such as ["GET /pets"].');
    }
    const failOnWarnings = args.failOnWarnings ?? true;
    if (typeof failOnWarnings !== "boolean") {
        problems.push(`failOnWarnings must be true or false; got ${JSON.stringify(failOnWarnings)}.`);
    }
    const lambdaIntegrations = stringInputs(
        args.lambdaIntegrations,
        "lambdaIntegrations",
        'a map from operation to function ARN, such as { "GET /items": fn.arn }',
        problems,
    );
    const specValues = stringInputs(
        args.specValues,
        "specValues",
        "a map from placeholder name to value, such as { backendUrl: service.url }",
        problems,
    );
    problems.push(...callerArgumentProblems(args));
    if (args.cors !== undefined) problems.push(...corsArgumentProblems(args.cors));
    const domain = planDomain(args, context.region);
    problems.push(...domain.problems);
    problems.push(...webAclArgumentProblems(args.webAclArn, endpointType, context.region));
    if (problems.length > 0) throw new InvalidSecuredRestApiInput(problems);

    const crossAccountGrants = args.crossAccountGrants ?? [];
    const spec = prepareSpec(args.openApiSpec, {
        publicOperations,
        resourcePolicy: args.resourcePolicy,
        endpointType,
        stageName,
        lambdaIntegrations: knownNow(lambdaIntegrations),
        specValues: knownNow(specValues),
        cors: args.cors,
        grantStatements: (operations) => {
            try {
                return crossAccountStatements(crossAccountGrants, operations, stageName);
            } catch (e) {
                // planCallers reports the grants' problems, all of them together.
                if (e instanceof InvalidSecuredRestApiInput) return [];
                throw e;
            }
        },
    });
    const callers = planCallers(args, spec.operations, stageName);
    const fenced = fencedCrossAccountGrants(args.crossAccountGrants ?? [], args.resourcePolicy ?? []);
    if (fenced.length > 0) throw new InvalidSecuredRestApiInput(fenced);
    const importWarnings = spec.warnings.filter((f) => f.kind === FindingKind.Warning);
    if (failOnWarnings && importWarnings.length > 0) {
        throw new InvalidSecuredRestApiInput(
            [
                ...importWarnings.map((f) => f.message),
                "With failOnWarnings: true (the default) API Gateway rolls the whole import back on any of these warnings. Fix the document, or set failOnWarnings: false to import the API with them (each is then logged as a warning).",
            ],
            undefined,
            importWarnings,
        );
    }
    return {
        spec,
        stageName,
        invokePolicy,
        publicOperations,
        endpointType,
        // The default endpoint takes no client certificate: with mutual TLS it is off unless said otherwise.
        disableExecuteApiEndpoint: args.disableExecuteApiEndpoint ?? domain.plan?.mutualTls !== undefined,
        failOnWarnings,
        restApiName: args.restApiName,
        throttle,
        executionLoggingLevel,
        executionLogRetentionInDays:
            executionLoggingLevel === "OFF"
                ? undefined
                : (args.executionLogRetentionInDays ?? DEFAULT_EXECUTION_LOG_RETENTION_DAYS),
        accessKeys,
        groupScope:
            invokePolicy === "managed"
                ? undefined
                : {
                      key: scopeKey(args.invokeOperations),
                      documents: invokeScopeDocuments(
                          spec.operations,
                          args.invokeOperations,
                          stageName,
                          "invokeOperations",
                      ),
                  },
        callers,
        cors: args.cors,
        domain: domain.plan,
        webAclArn: args.webAclArn,
        lambdaIntegrations: new Map([...spec.lambdaOperations].map(([entry, key]) => [key, lambdaIntegrations[entry]])),
        specValues,
    };
}

/**
 * A map argument whose values are strings, now or at `pulumi up` (an Output or a promise of one); each
 * other value is a problem. Its entries are the user's names, so it is copied into a prototype-free object.
 */
function stringInputs(
    value: unknown,
    argument: string,
    shape: string,
    problems: string[],
): Record<string, pulumi.Input<string>> {
    const inputs = Object.create(null) as Record<string, pulumi.Input<string>>;
    if (value === undefined) return inputs;
    if (!isJsonObject(value) || pulumi.Output.isInstance(value)) {
        problems.push(`${argument} must be ${shape}.`);
        return inputs;
    }
    for (const [name, input] of Object.entries(value)) {
        if (typeof input === "string" || pulumi.Output.isInstance(input) || input instanceof Promise)
            inputs[name] = input as pulumi.Input<string>;
        else
            problems.push(
                `${argument}[${JSON.stringify(name)}] must be a string or an Output of one; got ${describeValue(input)}.`,
            );
    }
    return inputs;
}

/** The values known now (plain strings); undefined for those only `pulumi up` knows. */
function knownNow(inputs: Readonly<Record<string, pulumi.Input<string>>>): Record<string, string | undefined> {
    const known = Object.create(null) as Record<string, string | undefined>;
    for (const [name, input] of Object.entries(inputs)) known[name] = typeof input === "string" ? input : undefined;
    return known;
}

function describeValue(value: unknown): string {
    return typeof value === "function" ? "a function" : (JSON.stringify(value) ?? "undefined");
}

/** Why a retention is not one CloudWatch Logs accepts; none when it is, or is not given. */
function retentionProblems(argument: string, days: unknown): string[] {
    if (days === undefined || RETENTION_DAYS.includes(days as number)) return [];
    return [
        `${argument} ${JSON.stringify(days)} is not a CloudWatch Logs retention: use one of ${RETENTION_DAYS.join(", ")}.`,
    ];
}

/** The retention periods CloudWatch Logs accepts, in days. */
export const RETENTION_DAYS: readonly number[] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
