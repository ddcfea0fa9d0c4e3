import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { deploymentHash } from "./deploymentHash";
import { InvalidSecuredRestApiInput } from "./errors";
import { OpenApiSpecInput } from "./openapi/parse";
import { scopedInvokePolicy } from "./policy";
import { EndpointType, InvokePolicyKind, resolveSettings, Settings } from "./settings";

/**
 * The arguments of {@link SecuredRestApi}.
 *
 * The fields that shape the API are plain values rather than `pulumi.Input`s on purpose: the component
 * parses, validates and secures the spec before it registers anything, so a bad spec fails
 * `pulumi preview` with nothing created.
 */
export interface SecuredRestApiArgs {
    /**
     * The API, as an OpenAPI 3.0.x or Swagger 2.0 document: a parsed object, or its JSON or YAML text
     * (for example `fs.readFileSync("api.yaml", "utf8")`). Every operation needs an
     * `x-amazon-apigateway-integration`. The object passed is never modified.
     */
    openApiSpec: OpenApiSpecInput;

    /**
     * Name of the stage to deploy to; it is the first path segment of the invoke URL.
     * Letters, digits, `-` and `_`, at most 128.
     * @default "test"
     */
    stageName?: string;

    /**
     * Which IAM policy the caller group gets.
     * - `"scoped"`: a customer-managed policy allowing only `execute-api:Invoke` on this API's stage
     *   (`arn:aws:execute-api:<region>:<account>:<api-id>/<stage>/*\/*`).
     * - `"managed"`: AWS's `AmazonAPIGatewayInvokeFullAccess`, as the classic console walkthrough attaches.
     *   It allows invoking **every** API Gateway API the account's credentials can reach, in every region
     *   and stage, so the keys would not be limited to this API.
     * @default "scoped"
     */
    invokePolicy?: InvokePolicyKind;

    /**
     * Operations deliberately left without IAM authorization, written `"VERB /path"` exactly as in the
     * document (`ANY` for `x-amazon-apigateway-any-method`), e.g. `["OPTIONS /pets"]` for a CORS
     * preflight. An entry that matches no operation is an error, so a typo never opens the wrong method.
     * @default []
     */
    publicOperations?: string[];

    /**
     * The API's endpoint type. `"PRIVATE"` requires an `x-amazon-apigateway-policy` in the document
     * allowing your VPC endpoint.
     * @default "REGIONAL"
     */
    endpointType?: EndpointType;

    /**
     * Turn off the default `https://<api-id>.execute-api.<region>.amazonaws.com` endpoint, for APIs
     * served only through a custom domain name.
     * @default false
     */
    disableExecuteApiEndpoint?: boolean;

    /**
     * Fail the import when API Gateway reports a warning (for example a security scheme or model it
     * ignores) instead of deploying an API that differs from the document.
     * @default true
     */
    failOnWarnings?: boolean;

    /**
     * Name of the REST API in API Gateway.
     * @default the document's `info.title`
     */
    restApiName?: string;

    /**
     * Description of the REST API.
     * @default the document's `info.description`, if any
     */
    description?: pulumi.Input<string>;

    /**
     * Tags for every taggable resource the component creates (REST API, stage, policy, user).
     * @default no tags
     */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

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

    /** The REST API, with the secured OpenAPI document as its body. */
    public readonly restApi: aws.apigateway.RestApi;
    /** The current deployment; replaced (create-before-delete) whenever the API changes. */
    public readonly deployment: aws.apigateway.Deployment;
    /** The stage callers reach, pointing at {@link deployment}. */
    public readonly stage: aws.apigateway.Stage;
    /** The IAM group whose members may invoke the API. */
    public readonly group: aws.iam.Group;
    /** The customer-managed invoke policy (`invokePolicy: "scoped"`), or undefined for `"managed"`. */
    public readonly invokePolicy: aws.iam.Policy | undefined;
    /** The IAM user whose access key is handed to clients. */
    public readonly user: aws.iam.User;
    /** The user's access key. */
    public readonly accessKey: aws.iam.AccessKey;
    /** The secured document sent as the REST API body (compact JSON). */
    public readonly securedBody: string;

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
    /** Name of the IAM group allowed to invoke the API. */
    public readonly groupName: pulumi.Output<string>;
    /** ARN of the invoke policy attached to the group. */
    public readonly policyArn: pulumi.Output<string>;
    /** Name of the IAM user. */
    public readonly userName: pulumi.Output<string>;
    /** ARN of the IAM user. */
    public readonly userArn: pulumi.Output<string>;
    /** Access key id of the user (secret). */
    public readonly accessKeyId: pulumi.Output<string>;
    /** Secret access key of the user (secret). */
    public readonly secretAccessKey: pulumi.Output<string>;

    constructor(name: string, args: SecuredRestApiArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before super(): a refused input must not leave even the component registered.
        const settings = settingsFor(name, args);
        super(SecuredRestApi.typeToken, name, {}, opts);
        const { spec } = settings;
        const info = (spec.document.info ?? {}) as { title?: string; description?: string };
        const tags = args.tags;

        this.securedBody = spec.body;
        this.restApi = new aws.apigateway.RestApi(
            name,
            {
                name: settings.restApiName ?? info.title,
                description: args.description ?? info.description,
                body: spec.body,
                // Overwrite, not merge: a method deleted from the document must not linger, unsecured or not.
                putRestApiMode: "overwrite",
                failOnWarnings: settings.failOnWarnings,
                endpointConfiguration: { types: settings.endpointType },
                disableExecuteApiEndpoint: settings.disableExecuteApiEndpoint,
                tags,
            },
            { parent: this },
        );

        this.deployment = new aws.apigateway.Deployment(
            name,
            {
                restApi: this.restApi.id,
                triggers: { redeployment: deploymentHash(deploymentShapeOf(settings)) },
            },
            // The stage points at the old deployment until the new one exists, so create it first.
            { parent: this, deleteBeforeReplace: false },
        );

        this.stage = new aws.apigateway.Stage(
            name,
            { restApi: this.restApi.id, deployment: this.deployment.id, stageName: settings.stageName, tags },
            { parent: this },
        );

        this.group = new aws.iam.Group(name, {}, { parent: this });
        if (settings.invokePolicy === "scoped") {
            this.invokePolicy = new aws.iam.Policy(
                name,
                {
                    description: `Invoke only stage ${settings.stageName} of the API Gateway REST API ${name}`,
                    policy: this.stage.executionArn.apply((arn) => JSON.stringify(scopedInvokePolicy(arn))),
                    tags,
                },
                { parent: this },
            );
            this.policyArn = this.invokePolicy.arn;
        } else {
            this.policyArn = pulumi.output(aws.iam.ManagedPolicy.AmazonAPIGatewayInvokeFullAccess);
        }
        // Permissions go to the group, never to the user: swapping or adding users keeps one policy.
        new aws.iam.GroupPolicyAttachment(
            name,
            { group: this.group.name, policyArn: this.policyArn },
            { parent: this },
        );

        // No aws.iam.UserLoginProfile: the user gets programmatic keys only, never a console password.
        this.user = new aws.iam.User(name, { tags }, { parent: this });
        new aws.iam.UserGroupMembership(name, { user: this.user.name, groups: [this.group.name] }, { parent: this });
        this.accessKey = new aws.iam.AccessKey(name, { user: this.user.name }, { parent: this });

        this.restApiId = this.restApi.id;
        this.stageName = this.stage.stageName;
        this.invokeUrl = this.stage.invokeUrl;
        this.executionArn = this.restApi.executionArn;
        this.region = aws.getRegionOutput({}, { parent: this }).region;
        this.groupName = this.group.name;
        this.userName = this.user.name;
        this.userArn = this.user.arn;
        // Wrapped explicitly: additionalSecretOutputs alone is not honoured everywhere (e.g. mocks).
        this.accessKeyId = pulumi.secret(this.accessKey.id);
        this.secretAccessKey = pulumi.secret(this.accessKey.secret);

        this.registerOutputs({
            restApiId: this.restApiId,
            stageName: this.stageName,
            invokeUrl: this.invokeUrl,
            executionArn: this.executionArn,
            region: this.region,
            groupName: this.groupName,
            policyArn: this.policyArn,
            userName: this.userName,
            userArn: this.userArn,
            accessKeyId: this.accessKeyId,
            secretAccessKey: this.secretAccessKey,
        });
    }
}

function settingsFor(name: string, args: SecuredRestApiArgs): Settings {
    try {
        return resolveSettings(args);
    } catch (e) {
        if (e instanceof InvalidSecuredRestApiInput) throw new InvalidSecuredRestApiInput(e.problems, name);
        throw e;
    }
}

function deploymentShapeOf(settings: Settings) {
    return {
        body: settings.spec.body,
        endpointType: settings.endpointType,
        disableExecuteApiEndpoint: settings.disableExecuteApiEndpoint,
    };
}
