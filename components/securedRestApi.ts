import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    DEFAULT_ACCESS_LOG_FORMAT,
    DEFAULT_ACCESS_LOG_RETENTION_DAYS,
    executionLogGroupName,
} from "./restApi/accessLog";
import { awsManagedPolicyArn, executeApiArnPrefix } from "./policies/arns";
import { functionGrants, lambdaPermissions, resolvedBody } from "./restApi/backends";
import {
    attachGrants,
    AwsContext,
    CallerContext,
    createIdentityPool,
    createInvokeRole,
    crossAccountPolicies,
    InvokePolicies,
} from "./callers/resources";
import { CrossAccountPolicy } from "./callers/callers";
import { deploymentHash } from "./restApi/deploymentHash";
import { InvalidSecuredRestApiInput } from "./errors";
import { AwsValues, resolveAwsVariables } from "./openapi/awsVariables";
import { OpenApiDocument } from "./openapi/operations";
import { POLICY_EXTENSION } from "./openapi/prepare";
import { MANAGED_INVOKE_POLICY_NAME } from "./policies/invokePolicy";
import { policyInPartition, storedResourcePolicy } from "./policies/resourcePolicy";
import { AccessLogArgs, DeployedOperation, SecuredRestApiArgs } from "./args/args";
import { resolveSettings, Settings } from "./args/settings";
import { associateWebAcl, createDomain, DomainResources, FrontDoorContext } from "./domain/resources";

/**
 * A REST API on Amazon API Gateway that only IAM-authenticated callers can use, with the IAM identity
 * allowed to call it.
 *
 * Every operation of the OpenAPI document is set to `AWS_IAM` (SigV4) authorization, except those named
 * in `publicOperations`. The component creates the REST API, a Deployment that is replaced whenever the
 * API changes, a Stage, an IAM group with the invoke policy attached, an IAM user in that group (with no
 * console password) and an access key for it.
 *
 * @example
 * ```ts
 * import * as fs from "fs";
 * import * as pulumi from "@pulumi/pulumi";
 * import { SecuredRestApi } from "secured-rest-api";
 *
 * const api = new SecuredRestApi("orders", {
 *     openApiSpec: fs.readFileSync("orders.openapi.yaml", "utf8"),
 *     stageName: "prod",
 *     publicOperations: ["OPTIONS /orders"],
 * });
 *
 * export const url = api.invokeUrl;
 * export const accessKeyId = api.accessKeyId; // secret
 * export const secretAccessKey = api.secretAccessKey; // secret
 * ```
 */
export class SecuredRestApi extends pulumi.ComponentResource {
    /** The Pulumi type token of this component. */
    public static readonly typeToken = "secured-rest-api:index:SecuredRestApi";
    /** Outputs that hold credentials: always `pulumi.secret`, and marked secret in the package schema. */
    public static readonly secretOutputs: readonly string[] = ["accessKeyId", "secretAccessKey"];

    /** The REST API, with the secured OpenAPI document as its body. */
    public readonly restApi: aws.apigateway.RestApi;
    /** The current deployment; replaced (create-before-delete) whenever the API changes. */
    public readonly deployment: aws.apigateway.Deployment;
    /** The stage callers reach, pointing at {@link deployment}. */
    public readonly stage: aws.apigateway.Stage;
    /** The IAM group whose members may invoke the API. */
    public readonly group: aws.iam.Group;
    /** The (first) customer-managed invoke policy (`invokePolicy: "scoped"`), or undefined for `"managed"`. */
    public readonly invokePolicy: aws.iam.Policy | undefined;
    /** Every customer-managed invoke policy: one, or several when `invokeOperations` needs them. */
    public readonly invokePolicies: aws.iam.Policy[];
    /** The IAM user whose access key is handed to clients; undefined with `createUser: false`. */
    public readonly user: aws.iam.User | undefined;
    /** The user's newest access key (the last of `accessKeys`), whose pair the outputs give. */
    public readonly accessKey: aws.iam.AccessKey | undefined;
    /** Every access key of the user, in the order of `accessKeys` (none with `createUser: false`). */
    public readonly accessKeys: aws.iam.AccessKey[];
    /** The assumable role (`role`), if any. */
    public readonly invokeRole: aws.iam.Role | undefined;
    /** The Cognito identity pool (`identityPool`), if any. */
    public readonly identityPool: aws.cognito.IdentityPool | undefined;
    /** The stage's method settings (throttling, execution logging). */
    public readonly methodSettings: aws.apigateway.MethodSettings;
    /** The access log group the component created, if any. */
    public readonly accessLogGroup: aws.cloudwatch.LogGroup | undefined;
    /** The stage's execution log group (`API-Gateway-Execution-Logs_<restApiId>/<stageName>`), when execution logging is on. */
    public readonly executionLogGroup: aws.cloudwatch.LogGroup | undefined;
    /**
     * The secured document (compact JSON), checked at preview; the values only `pulumi up` knows
     * (placeholders, Lambda URIs) are filled in {@link body}.
     */
    public readonly securedBody: string;
    /** The body imported into the REST API: {@link securedBody} with every value filled. */
    public readonly body: pulumi.Output<string>;
    /**
     * The `aws.lambda.Permission`s of `lambdaIntegrations`, function by function: one per operation
     * (named `<name>-lambda-<verb>-<path>`), or one for the stage (`<name>-lambda-stage-<verb>-<path>`,
     * after the function's first operation in sorted order) for a function whose operations would not fit
     * its 20 KB resource policy one by one.
     */
    public readonly lambdaPermissions: aws.lambda.Permission[];
    /** The custom domain name (`domain`), if any. */
    public readonly customDomain: aws.apigateway.DomainName | undefined;
    /** The mapping of the custom domain's base path to the stage (`domain`), if any. */
    public readonly basePathMapping: aws.apigateway.BasePathMapping | undefined;
    /** The ACM certificate the component requested for the domain (`domain` without `certificateArn`), if any. */
    public readonly certificate: aws.acm.Certificate | undefined;
    /** The wait for {@link certificate} to be issued, once its DNS validation record exists. */
    public readonly certificateValidation: aws.acm.CertificateValidation | undefined;
    /** The alias record pointing the domain at {@link domainTarget} (`domain.hostedZoneId`), if any. */
    public readonly domainAliasRecord: aws.route53.Record | undefined;
    /** The association of `webAclArn` with the stage, if any. */
    public readonly webAclAssociation: aws.wafv2.WebAclAssociation | undefined;

    /** ID of the REST API. */
    public readonly restApiId: pulumi.Output<string>;
    /** Name of the stage. */
    public readonly stageName: pulumi.Output<string>;
    /** URL to invoke the API at, e.g. `https://<id>.execute-api.<region>.amazonaws.com/<stage>`. */
    public readonly invokeUrl: pulumi.Output<string>;
    /** Execution ARN of the REST API (`arn:aws:execute-api:<region>:<account>:<id>`). */
    public readonly executionArn: pulumi.Output<string>;
    /** Region the API runs in: the region clients must sign for. */
    public readonly region: pulumi.Output<string>;
    /** The custom domain's URL, `https://<domainName>/<basePath>`: what clients call and sign (`domain`). */
    public readonly domainUrl: pulumi.Output<string> | undefined;
    /** What DNS points the custom domain at: its regional domain name, or an EDGE domain's CloudFront name. */
    public readonly domainTarget: pulumi.Output<string> | undefined;
    /** The Route 53 hosted zone of {@link domainTarget}, for an alias record of your own. */
    public readonly domainTargetZoneId: pulumi.Output<string> | undefined;
    /** Whether the default `execute-api` endpoint is off (clients must use the custom domain). */
    public readonly disableExecuteApiEndpoint: pulumi.Output<boolean>;
    /** Name of the IAM group allowed to invoke the API. */
    public readonly groupName: pulumi.Output<string>;
    /** ARN of the invoke policy attached to the group. */
    public readonly policyArn: pulumi.Output<string>;
    /** Name of the IAM user (none with `createUser: false`). */
    public readonly userName: pulumi.Output<string> | undefined;
    /** ARN of the IAM user (none with `createUser: false`). */
    public readonly userArn: pulumi.Output<string> | undefined;
    /** Access key id of the user (secret; none with `createUser: false`). */
    public readonly accessKeyId: pulumi.Output<string> | undefined;
    /** Secret access key of the user (secret; none with `createUser: false`). */
    public readonly secretAccessKey: pulumi.Output<string> | undefined;
    /** ARN of the assumable role (`role`), for `sts:AssumeRole` or `AssumeRoleWithWebIdentity`. */
    public readonly roleArn: pulumi.Output<string> | undefined;
    /** Id of the Cognito identity pool (`identityPool`): apps get credentials from it in `region`. */
    public readonly identityPoolId: pulumi.Output<string> | undefined;
    /** ARN of the identity pool's role for signed-in users. */
    public readonly authenticatedRoleArn: pulumi.Output<string> | undefined;
    /** ARN of the identity pool's role for guests (only with `allowUnauthenticatedIdentities`). */
    public readonly unauthenticatedRoleArn: pulumi.Output<string> | undefined;
    /**
     * For each of `crossAccountGrants`: its principals and the identity-policy documents their account
     * must attach (the other half of the permission; this API's resource policy is the first).
     */
    public readonly crossAccountPolicies: pulumi.Output<CrossAccountPolicy[]>;
    /**
     * Every deployed operation with its authorization, in document order: what a smoke test needs to
     * prove each one (`npm run smoke` reads it from the stack outputs).
     */
    public readonly operations: pulumi.Output<DeployedOperation[]>;

    constructor(name: string, args: SecuredRestApiArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before super(): a refused input must not leave even the component registered.
        const settings = settingsFor(name, args, opts);
        super(SecuredRestApi.typeToken, name, {}, opts);
        sayAtPreview(settings, args, this);
        const provider = new AwsContext(this);

        this.securedBody = settings.spec.body;
        ({
            body: this.body,
            restApi: this.restApi,
            lambdaPermissions: this.lambdaPermissions,
        } = this.createApi(name, args, settings, provider));
        ({
            deployment: this.deployment,
            stage: this.stage,
            methodSettings: this.methodSettings,
            accessLogGroup: this.accessLogGroup,
            executionLogGroup: this.executionLogGroup,
        } = this.createStage(name, args, settings));
        const callers = this.createCallers(name, args, settings, provider);
        ({
            group: this.group,
            invokePolicies: this.invokePolicies,
            policyArn: this.policyArn,
            user: this.user,
            accessKeys: this.accessKeys,
            invokeRole: this.invokeRole,
            identityPool: this.identityPool,
        } = callers);

        const frontDoor = this.createFrontDoor(name, args, settings, provider);
        ({
            domain: {
                domainName: this.customDomain,
                basePathMapping: this.basePathMapping,
                certificate: this.certificate,
                certificateValidation: this.certificateValidation,
                aliasRecord: this.domainAliasRecord,
            },
            webAclAssociation: this.webAclAssociation,
        } = frontDoor);

        this.invokePolicy = this.invokePolicies[0];
        this.accessKey = this.accessKeys[this.accessKeys.length - 1];
        this.restApiId = this.restApi.id;
        this.stageName = this.stage.stageName;
        this.invokeUrl = this.stage.invokeUrl;
        this.executionArn = this.restApi.executionArn;
        this.region = provider.region;
        this.domainUrl = frontDoor.domain.url;
        this.domainTarget = frontDoor.domain.target;
        this.domainTargetZoneId = frontDoor.domain.targetZoneId;
        this.disableExecuteApiEndpoint = pulumi.output(settings.disableExecuteApiEndpoint);
        this.groupName = this.group.name;
        this.userName = this.user?.name;
        this.userArn = this.user?.arn;
        // Wrapped explicitly: additionalSecretOutputs alone is not honoured everywhere (e.g. mocks).
        this.accessKeyId = this.accessKey && pulumi.secret(this.accessKey.id);
        this.secretAccessKey = this.accessKey && pulumi.secret(this.accessKey.secret);
        this.roleArn = this.invokeRole?.arn;
        this.identityPoolId = callers.identityPoolResources?.pool.id;
        this.authenticatedRoleArn = callers.identityPoolResources?.authenticatedRole?.arn;
        this.unauthenticatedRoleArn = callers.identityPoolResources?.unauthenticatedRole?.arn;
        this.crossAccountPolicies = callers.crossAccountPolicies;
        this.operations = pulumi.output(
            settings.spec.operations.map(({ verb, path, authorization }) => ({ verb, path, authorization })),
        );

        this.registerOutputs({
            restApiId: this.restApiId,
            stageName: this.stageName,
            invokeUrl: this.invokeUrl,
            executionArn: this.executionArn,
            region: this.region,
            domainUrl: this.domainUrl,
            domainTarget: this.domainTarget,
            domainTargetZoneId: this.domainTargetZoneId,
            disableExecuteApiEndpoint: this.disableExecuteApiEndpoint,
            groupName: this.groupName,
            policyArn: this.policyArn,
            userName: this.userName,
            userArn: this.userArn,
            accessKeyId: this.accessKeyId,
            secretAccessKey: this.secretAccessKey,
            roleArn: this.roleArn,
            identityPoolId: this.identityPoolId,
            authenticatedRoleArn: this.authenticatedRoleArn,
            unauthenticatedRoleArn: this.unauthenticatedRoleArn,
            crossAccountPolicies: this.crossAccountPolicies,
            operations: this.operations,
        });
    }

    /** The REST API with the body it imports, and the permissions its Lambda functions need. */
    private createApi(name: string, args: SecuredRestApiArgs, settings: Settings, provider: AwsContext) {
        const awsValues = awsVariableValues(settings, provider);
        const document = bodyDocument(settings, provider, awsValues);
        const grants = functionGrants(settings);
        const body = resolvedBody(
            name,
            settings,
            grants,
            bodyOf(settings, document),
            provider.region,
            awsValues,
            grants.length === 0 ? undefined : provider.accountId,
        );
        const restApi = this.createRestApi(name, args, settings, provider, document, body);
        return { body, restApi, lambdaPermissions: lambdaPermissions(name, settings, grants, restApi, this) };
    }

    /** The deployment, the stage that serves it, its method settings and its log groups. */
    private createStage(name: string, args: SecuredRestApiArgs, settings: Settings) {
        const deployment = this.createDeployment(name, settings);
        const logging = this.createLogging(name, settings, args.accessLog, args.tags);
        const stage = new aws.apigateway.Stage(
            name,
            {
                restApi: this.restApi.id,
                deployment: deployment.id,
                stageName: settings.stageName,
                xrayTracingEnabled: args.tracingEnabled ?? false,
                accessLogSettings:
                    args.accessLog === undefined
                        ? undefined
                        : {
                              destinationArn: args.accessLog.destinationArn ?? logging.group!.arn,
                              format: args.accessLog.format ?? DEFAULT_ACCESS_LOG_FORMAT,
                          },
                tags: args.tags,
            },
            // Served only once API Gateway may invoke the functions: a call before would get a 500.
            { ...logging.ready, dependsOn: [...logging.ready.dependsOn, ...this.lambdaPermissions] },
        );
        const methodSettings = new aws.apigateway.MethodSettings(
            name,
            {
                restApi: this.restApi.id,
                stageName: stage.stageName,
                methodPath: "*/*",
                settings: {
                    throttlingRateLimit: settings.throttle.rateLimit,
                    throttlingBurstLimit: settings.throttle.burstLimit,
                    loggingLevel: settings.executionLoggingLevel,
                    // Data tracing logs whole requests and responses, credentials' effects included: never.
                    dataTraceEnabled: false,
                },
            },
            logging.ready,
        );
        return {
            deployment,
            stage,
            methodSettings,
            accessLogGroup: logging.group,
            executionLogGroup: logging.executionGroup,
        };
    }

    /** The way in besides the default endpoint: the custom domain with its certificate and DNS, and the web ACL. */
    private createFrontDoor(name: string, args: SecuredRestApiArgs, settings: Settings, provider: AwsContext) {
        const context: FrontDoorContext = {
            parent: this,
            name,
            tags: args.tags,
            restApi: this.restApi,
            stage: this.stage,
            region: provider.region,
        };
        const domain: Partial<DomainResources> = settings.domain ? createDomain(context, settings.domain) : {};
        const webAclAssociation =
            settings.webAclArn === undefined
                ? undefined
                : associateWebAcl(context, settings.webAclArn, settings.endpointType);
        return { domain, webAclAssociation };
    }

    /** Who may call: the group and its invoke policy, the user and its keys, grants, the role, the identity pool. */
    private createCallers(name: string, args: SecuredRestApiArgs, settings: Settings, provider: AwsContext) {
        const context: CallerContext = {
            parent: this,
            name,
            tags: args.tags,
            stageName: settings.stageName,
            stageExecutionArn: this.stage.executionArn,
            aws: provider,
        };
        const policies = new InvokePolicies(context);
        const group = new aws.iam.Group(name, {}, { parent: this });
        const invokePolicies = this.groupPolicies(name, settings, policies);
        const policyArns =
            settings.invokePolicy === "managed"
                ? [provider.partition.apply((p) => awsManagedPolicyArn(p, MANAGED_INVOKE_POLICY_NAME))]
                : invokePolicies.map((p) => p.arn);
        // Permissions go to the group, never to the user: swapping or adding users keeps one policy.
        policyArns.forEach(
            (policyArn, i) =>
                new aws.iam.GroupPolicyAttachment(
                    i === 0 ? name : `${name}-${i + 1}`,
                    { group: group.name, policyArn },
                    { parent: this },
                ),
        );
        const user = settings.callers.createUser ? this.createUser(name, settings, group, args.tags) : undefined;
        attachGrants(settings.callers, policies, context);
        const identityPoolResources = createIdentityPool(settings.callers, policies, context);
        return {
            group,
            invokePolicies,
            policyArn: policyArns[0],
            user: user?.user,
            accessKeys: user?.keys ?? [],
            invokeRole: createInvokeRole(settings.callers, policies, context),
            identityPool: identityPoolResources?.pool,
            identityPoolResources,
            crossAccountPolicies: crossAccountPolicies(settings.callers, context),
        };
    }

    /** The REST API with the secured body, its resource policy's principals in the provider's partition. */
    private createRestApi(
        name: string,
        args: SecuredRestApiArgs,
        settings: Settings,
        provider: AwsContext,
        document: pulumi.Output<OpenApiDocument> | undefined,
        body: pulumi.Output<string>,
    ): aws.apigateway.RestApi {
        const info = (settings.spec.document.info ?? {}) as { title?: string; description?: string };
        return new aws.apigateway.RestApi(
            name,
            {
                name: settings.restApiName ?? info.title,
                description: args.description ?? info.description,
                body,
                // Also as the policy argument, in the form AWS stores it: the provider re-applies the argument
                // after each import when not equivalent (rest_api.go resourceRestAPIWithBodyUpdateOperations,
                // awspolicy.PoliciesAreEquivalent) and keeps it in state when equivalent (resourceRestAPIRead,
                // verify.SecondJSONUnlessEquivalent), so it wins over the body's and shows no diff when unchanged.
                // Without statements it is "", never unset: the argument is optional and computed, so unset it
                // keeps its last value, which the provider re-applies after each import (d.GetOk) and a removed
                // grant stays live; "" is what GetOk reads as none, and the overwrite import then clears it.
                policy:
                    document === undefined
                        ? NO_RESOURCE_POLICY
                        : pulumi
                              .all([document, executeApiPrefix(provider)])
                              .apply(([d, prefix]) => storedResourcePolicy(d[POLICY_EXTENSION], prefix)),
                // Overwrite, not merge: a method deleted from the document must not linger, unsecured or not.
                putRestApiMode: "overwrite",
                failOnWarnings: settings.failOnWarnings,
                endpointConfiguration: { types: settings.endpointType },
                disableExecuteApiEndpoint: settings.disableExecuteApiEndpoint,
                tags: args.tags,
            },
            { parent: this },
        );
    }

    /** A deployment replaced exactly when what callers get changes (see `deploymentHash`). */
    private createDeployment(name: string, settings: Settings): aws.apigateway.Deployment {
        return new aws.apigateway.Deployment(
            name,
            {
                restApi: this.restApi.id,
                triggers: {
                    redeployment: this.body.apply((body) => deploymentHash(deploymentShapeOf(settings, body))),
                },
            },
            // The stage points at the old deployment until the new one exists, so create it first.
            { parent: this, deleteBeforeReplace: false },
        );
    }

    /**
     * The access log group, the execution log group and the account's CloudWatch role, each when asked
     * for; the stage and its method settings wait for them (`ready`).
     */
    private createLogging(
        name: string,
        settings: Settings,
        accessLog: AccessLogArgs | undefined,
        tags: SecuredRestApiArgs["tags"],
    ): {
        group: aws.cloudwatch.LogGroup | undefined;
        executionGroup: aws.cloudwatch.LogGroup | undefined;
        ready: { parent: pulumi.Resource; dependsOn: pulumi.Resource[] };
    } {
        const cloudWatchAccount =
            accessLog?.accountCloudWatchRoleArn === undefined
                ? undefined
                : new aws.apigateway.Account(
                      name,
                      { cloudwatchRoleArn: accessLog.accountCloudWatchRoleArn },
                      // Since provider v6 (hashicorp/terraform-provider-aws#42226) deleting it resets the region's role.
                      { parent: this, retainOnDelete: true },
                  );
        const group =
            accessLog === undefined || accessLog.destinationArn !== undefined
                ? undefined
                : new aws.cloudwatch.LogGroup(
                      name,
                      { retentionInDays: accessLog.retentionInDays ?? DEFAULT_ACCESS_LOG_RETENTION_DAYS, tags },
                      { parent: this },
                  );
        // Made before logging is on: API Gateway would create it itself, without retention, and this one would then fail.
        const executionGroup =
            settings.executionLogRetentionInDays === undefined
                ? undefined
                : new aws.cloudwatch.LogGroup(
                      `${name}-execution-logs`,
                      {
                          name: this.restApi.id.apply((id) => executionLogGroupName(id, settings.stageName)),
                          retentionInDays: settings.executionLogRetentionInDays,
                          tags,
                      },
                      { parent: this },
                  );
        const dependsOn: pulumi.Resource[] = [cloudWatchAccount, executionGroup].flatMap((r) => (r ? [r] : []));
        return { group, executionGroup, ready: { parent: this, dependsOn } };
    }

    /** The group's customer-managed invoke policies (none for `"managed"`), named as they always were. */
    private groupPolicies(name: string, settings: Settings, policies: InvokePolicies): aws.iam.Policy[] {
        const scope = settings.groupScope;
        return scope === undefined ? [] : policies.policiesFor(scope, (i) => (i === 0 ? name : `${name}-${i + 1}`));
    }

    /** The user in the group, with no console password, and its access keys. */
    private createUser(
        name: string,
        settings: Settings,
        group: aws.iam.Group,
        tags: SecuredRestApiArgs["tags"],
    ): { user: aws.iam.User; keys: aws.iam.AccessKey[] } {
        // No aws.iam.UserLoginProfile: the user gets programmatic keys only, never a console password.
        const user = new aws.iam.User(name, { tags }, { parent: this });
        new aws.iam.UserGroupMembership(name, { user: user.name, groups: [group.name] }, { parent: this });
        const keys = settings.accessKeys.map(
            (label) => new aws.iam.AccessKey(`${name}-${label}`, { user: user.name }, { parent: this }),
        );
        return { user, keys };
    }
}

function settingsFor(
    name: string,
    args: SecuredRestApiArgs,
    opts: pulumi.ComponentResourceOptions | undefined,
): Settings {
    try {
        return resolveSettings(args, { region: regionKnownNow(opts) });
    } catch (e) {
        if (e instanceof InvalidSecuredRestApiInput) throw new InvalidSecuredRestApiInput(e.problems, name, e.findings);
        throw e;
    }
}

/**
 * The region the AWS provider deploys to when the stack's configuration says it before anything runs
 * (`aws:region`); undefined with a provider or parent of the component's own, which may deploy
 * elsewhere, or a region from the environment only: the region checks then run once it is known.
 */
function regionKnownNow(opts: pulumi.ComponentResourceOptions | undefined): string | undefined {
    if (opts?.provider !== undefined || opts?.providers !== undefined || opts?.parent !== undefined) return undefined;
    return new pulumi.Config("aws").get("region");
}

/**
 * Said at every preview and update of a stack that sets the region's CloudWatch role: the setting is
 * kept on destroy (see createLogging), and a role deleted with the stack leaves every API's logs
 * without one (API Gateway assumes that role through STS to write them: developer guide, "Set up
 * CloudWatch logging for REST APIs").
 */
export const RETAINED_ACCOUNT_WARNING =
    "accessLog.accountCloudWatchRoleArn makes this stack set the region's API Gateway CloudWatch role (aws.apigateway.Account, one per account and region, shared by every REST API there), " +
    "and `pulumi destroy` keeps that setting (retainOnDelete; deleting it would reset the region's role). If the role is deleted with this stack, the region points at a role that no longer exists " +
    "and API Gateway can no longer write the execution or access logs of any REST API in the region. Make the role in a stack of its own that outlives this one (an account baseline), " +
    "or set the region's role once outside any API's stack and leave accountCloudWatchRoleArn unset.";

/**
 * What preview says on the component: what API Gateway will import with a warning (failOnWarnings:
 * false) or ignore, and that the region's CloudWatch role this stack sets outlives it.
 */
function sayAtPreview(settings: Settings, args: SecuredRestApiArgs, component: pulumi.Resource): void {
    for (const warning of settings.spec.warnings) void pulumi.log.warn(warning.message, component);
    if (args.accessLog?.accountCloudWatchRoleArn !== undefined)
        void pulumi.log.warn(RETAINED_ACCOUNT_WARNING, component);
}

/** The `policy` argument of a REST API without a resource policy (see `createRestApi`). */
export const NO_RESOURCE_POLICY = "";

/** `arn:<partition>:execute-api:<region>:<account>`, the prefix of this API's execute-api ARNs. */
function executeApiPrefix(provider: AwsContext): pulumi.Output<string> {
    return pulumi
        .all([provider.partition, provider.region, provider.accountId])
        .apply(([partition, region, accountId]) => executeApiArnPrefix(partition, region, accountId));
}

/**
 * The stack's values of the AWS variables the document uses (`${AWS::Region}`, …), or undefined when it
 * uses none; the account is asked for only when `${AWS::AccountId}` is used.
 */
function awsVariableValues(settings: Settings, provider: AwsContext): pulumi.Output<AwsValues> | undefined {
    const used = settings.spec.awsVariables;
    if (used.size === 0) return undefined;
    return pulumi
        .all([provider.partition, provider.region, used.has("AWS::AccountId") ? provider.accountId : ""])
        .apply(([partition, region, accountId]) => ({ partition, region, accountId }));
}

/**
 * The secured document with its AWS variables resolved and its resource policy's principals written in
 * the provider's partition (account ids as root ARNs, as IAM stores them), or undefined when it has no
 * resource policy. Resolved first: the `policy` argument is no import, so API Gateway resolves nothing in it.
 */
function bodyDocument(
    settings: Settings,
    provider: AwsContext,
    awsValues: pulumi.Output<AwsValues> | undefined,
): pulumi.Output<OpenApiDocument> | undefined {
    const secured = settings.spec.document;
    if (secured[POLICY_EXTENSION] === undefined) return undefined;
    return pulumi.all([provider.partition, awsValues]).apply(([partition, values]): OpenApiDocument => {
        const document = values === undefined ? secured : resolveAwsVariables(secured, values);
        return { ...document, [POLICY_EXTENSION]: policyInPartition(document[POLICY_EXTENSION], partition) };
    });
}

/** The secured body: the prepared one byte for byte, or with the partition's principals when it has a policy. */
function bodyOf(settings: Settings, document: pulumi.Output<OpenApiDocument> | undefined): pulumi.Input<string> {
    return document === undefined ? settings.spec.body : document.apply((d) => JSON.stringify(d));
}

function deploymentShapeOf(settings: Settings, body: string) {
    return {
        body,
        endpointType: settings.endpointType,
        disableExecuteApiEndpoint: settings.disableExecuteApiEndpoint,
    };
}
