import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import {
    allowAccountThroughVpcEndpoints,
    githubActions,
    identityPoolTrustPolicy,
    roleTrustPolicy,
    SecuredRestApi,
    SecuredRestApiArgs,
} from "../../components";
import { accountRootArn, awsManagedPolicyArn, parseIamArn } from "../../components/policies/arns";
import { policyInPartition } from "../../components/policies/resourcePolicy";
import { LocalAwsAccount } from "../../local-aws/engine/account";
import { allRegistrationsSettled, useLocalAws } from "../../local-aws/engine/mocks";
import { valueOf } from "../helpers/localAws";
import { PETSTORE_OPENAPI } from "../helpers/specs";

type Statement = {
    Sid?: string;
    Effect: string;
    Principal?: unknown;
    Action: unknown;
    Resource?: unknown;
    Condition?: unknown;
};

/** Every option at once: what each one makes is checked below, in update (values known). */
const EVERY_CALLER: Partial<SecuredRestApiArgs> = {
    createUser: false,
    grants: [
        {
            roles: ["worker", "arn:aws:iam::123456789012:role/service-role/batch"],
            users: ["reporting"],
            groups: ["ops"],
            operations: ["GET /pets"],
        },
    ],
    crossAccountGrants: [
        { principals: ["111122223333", "arn:aws:iam::444455556666:role/partner"], operations: ["GET /pets/{petId}"] },
    ],
    role: {
        trustedPrincipals: ["777788889999"],
        trustedServices: ["lambda.amazonaws.com"],
        webIdentities: [githubActions({ repository: "my-org/my-repo", branch: "main", createProvider: true })],
        externalId: "partner-external-id",
    },
    identityPool: {
        userPool: { userPoolId: "us-west-2_Pool", clientIds: ["client-1"] },
        authenticatedOperations: ["GET /pets", "POST /pets"],
        allowUnauthenticatedIdentities: true,
        allowClassicFlow: true,
        unauthenticatedOperations: ["GET /pets"],
    },
    cors: { allowOrigin: "https://app.example.com" },
};

/** Builds the component in a fresh account of a partition (in update: every value known). */
async function build(
    args: Partial<SecuredRestApiArgs>,
    partition = "aws",
    region = "us-west-2",
    before: (account: LocalAwsAccount) => Promise<void> = () => Promise.resolve(),
) {
    const account = new LocalAwsAccount(region, undefined, { partition });
    await before(account);
    const mocks = await useLocalAws({ account, project: "secured-rest-api", stack: "test" });
    const api = new SecuredRestApi("api", { openApiSpec: PETSTORE_OPENAPI, ...args });
    await allRegistrationsSettled();
    const inputs = (type: string) => mocks.registrations.filter((r) => r.type === type).map((r) => r.inputs);
    return { api, account, mocks, inputs };
}

const json = (text: unknown) => JSON.parse(String(text)) as { Statement: Statement[] };
const principalsOf = (statements: readonly Statement[]) =>
    statements.flatMap((s) => {
        const p = s.Principal as { AWS?: string | string[] } | string | undefined;
        return typeof p === "string" ? [p] : p?.AWS === undefined ? [] : Array.isArray(p.AWS) ? p.AWS : [p.AWS];
    });

describe("callers beyond one IAM user: the policies and trust documents the component writes", () => {
    let built: Awaited<ReturnType<typeof build>>;
    before(async () => {
        built = await build(EVERY_CALLER);
    });

    it("createUser: false: no user, key or membership, and no key outputs", () => {
        for (const type of [
            "aws:iam/user:User",
            "aws:iam/accessKey:AccessKey",
            "aws:iam/userGroupMembership:UserGroupMembership",
        ])
            expect(built.inputs(type), type).to.deep.equal([]);
        expect(built.api.accessKeyId).to.equal(undefined);
        expect(built.api.secretAccessKey).to.equal(undefined);
        expect(built.api.userArn).to.equal(undefined);
        expect(built.inputs("aws:iam/group:Group")).to.have.length(1);
    });

    it("grants attach a policy of only the granted operations to each existing role, user and group, by name", async () => {
        const attachments = [
            ...built.inputs("aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((i) => i.role),
            ...built.inputs("aws:iam/userPolicyAttachment:UserPolicyAttachment").map((i) => i.user),
            ...built.inputs("aws:iam/groupPolicyAttachment:GroupPolicyAttachment").map((i) => i.group),
        ];
        expect(attachments).to.include.members(["worker", "batch", "reporting", "ops"]);
        const apiId = await valueOf(built.api.restApiId);
        const grantPolicy = built
            .inputs("aws:iam/policy:Policy")
            .map((i) => json(i.policy))
            .find((p) => JSON.stringify(p).includes("/test/GET/pets") && !JSON.stringify(p).includes("POST"));
        expect(grantPolicy!.Statement).to.deep.equal([
            {
                Sid: "InvokeGrantedOperations",
                Effect: "Allow",
                Action: "execute-api:Invoke",
                Resource: [`arn:aws:execute-api:us-west-2:123456789012:${apiId}/test/GET/pets`],
            },
        ]);
        for (const policy of built.inputs("aws:iam/policy:Policy").map((i) => json(i.policy)))
            for (const s of policy.Statement) expect(s.Action, "one action only").to.equal("execute-api:Invoke");
    });

    it("the resource policy names the other accounts' principals exactly (never *), on the granted operations only", async () => {
        const body = JSON.parse(String(built.inputs("aws:apigateway/restApi:RestApi")[0].body)) as Record<
            string,
            { Statement: Statement[] }
        >;
        const statements = body["x-amazon-apigateway-policy"].Statement;
        const allow = statements.find((s) => s.Sid === "AllowCrossAccount1")!;
        expect(allow.Principal).to.deep.equal({
            AWS: ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:role/partner"],
        });
        expect(allow.Resource).to.deep.equal(["execute-api:/test/GET/pets/*"]);
        expect(statements.find((s) => s.Sid === "DenyCrossAccount1NotGranted")).to.equal(
            undefined,
            "no sub-path to deny",
        );
        // The only "*" principal: the unsigned CORS preflights, and nothing else.
        for (const s of statements.filter((s) => principalsOf([s]).includes("*"))) {
            expect(s.Sid).to.equal("AllowCorsPreflights");
            expect((s.Resource as string[]).every((r) => /^execute-api:\/\*\/OPTIONS\//.test(r))).to.equal(true);
        }
        const crossAccount = await valueOf(built.api.crossAccountPolicies);
        expect(crossAccount![0].principals).to.deep.equal(
            allow.Principal && (allow.Principal as { AWS: string[] }).AWS,
        );
        expect(json(crossAccount![0].policies[0]).Statement.map((s) => s.Effect)).to.deep.equal(["Allow"]);
    });

    it("the role trusts exactly its principals, services and web identities, each with its own action and conditions", () => {
        const roles = built.inputs("aws:iam/role:Role").map((i) => json(i.assumeRolePolicy));
        const invokeRole = roles.find((r) => r.Statement.some((s) => s.Sid === "TrustedServices"))!;
        expect(invokeRole.Statement).to.deep.equal([
            {
                Sid: "TrustedPrincipals",
                Effect: "Allow",
                Principal: { AWS: ["arn:aws:iam::777788889999:root"] },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "sts:ExternalId": "partner-external-id" } },
            },
            {
                Sid: "TrustedServices",
                Effect: "Allow",
                Principal: { Service: ["lambda.amazonaws.com"] },
                Action: "sts:AssumeRole",
            },
            {
                Sid: "TrustedWebIdentity1",
                Effect: "Allow",
                Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: { "token.actions.githubusercontent.com:aud": ["sts.amazonaws.com"] },
                    StringLike: {
                        "token.actions.githubusercontent.com:sub": ["repo:my-org/my-repo:ref:refs/heads/main"],
                    },
                },
            },
        ]);
        expect(built.inputs("aws:iam/openIdConnectProvider:OpenIdConnectProvider")).to.deep.equal([
            { url: "https://token.actions.githubusercontent.com", clientIdLists: ["sts.amazonaws.com"] },
        ]);
    });

    it("the identity pool: the classic flow only when asked, its roles trust only this pool and their kind of identity, no role mapping", async () => {
        const [pool] = built.inputs("aws:cognito/identityPool:IdentityPool");
        expect(pool).to.deep.include({ allowClassicFlow: true, allowUnauthenticatedIdentities: true });
        const signedInOnly = await build({ identityPool: { userPool: EVERY_CALLER.identityPool!.userPool } });
        expect(signedInOnly.inputs("aws:cognito/identityPool:IdentityPool")[0]).to.deep.include({
            allowClassicFlow: false,
            allowUnauthenticatedIdentities: false,
        });
        expect(pool.cognitoIdentityProviders).to.deep.equal([
            {
                clientId: "client-1",
                providerName: "cognito-idp.us-west-2.amazonaws.com/us-west-2_Pool",
                serverSideTokenCheck: true,
            },
        ]);
        const poolId = (await valueOf(built.api.identityPoolId))!;
        const trusts = built.inputs("aws:iam/role:Role").map((i) => JSON.parse(String(i.assumeRolePolicy)) as unknown);
        expect(trusts).to.deep.include(identityPoolTrustPolicy(poolId, "authenticated"));
        expect(trusts).to.deep.include(identityPoolTrustPolicy(poolId, "unauthenticated"));
        expect(identityPoolTrustPolicy(poolId, "authenticated").Statement[0].Condition).to.deep.equal({
            StringEquals: { "cognito-identity.amazonaws.com:aud": poolId },
            "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "authenticated" },
        });
        const [attachment] = built.inputs("aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment");
        expect(attachment.roleMappings).to.equal(undefined);
        expect(Object.keys(attachment.roles as object).sort()).to.deep.equal(["authenticated", "unauthenticated"]);
    });

    it("CORS: a MOCK OPTIONS per path, public, and the CORS headers on API Gateway's 4XX/5XX answers", () => {
        const body = JSON.parse(String(built.inputs("aws:apigateway/restApi:RestApi")[0].body)) as {
            paths: Record<string, Record<string, Record<string, unknown>>>;
            "x-amazon-apigateway-gateway-responses": Record<string, { responseParameters: Record<string, string> }>;
        };
        for (const path of Object.keys(body.paths)) {
            const options = body.paths[path].options;
            expect(options["x-amazon-apigateway-auth"], path).to.deep.equal({ type: "NONE" });
            expect((options["x-amazon-apigateway-integration"] as { type: string }).type).to.equal("mock");
        }
        for (const type of ["DEFAULT_4XX", "DEFAULT_5XX"])
            expect(body["x-amazon-apigateway-gateway-responses"][type].responseParameters).to.deep.include({
                "gatewayresponse.header.Access-Control-Allow-Origin": "'https://app.example.com'",
            });
        const get = body.paths["/pets"].get as {
            "x-amazon-apigateway-integration": {
                responses: Record<string, { responseParameters: Record<string, string> }>;
            };
        };
        expect(get["x-amazon-apigateway-integration"].responses.default.responseParameters).to.deep.include({
            "method.response.header.Access-Control-Allow-Origin": "'https://app.example.com'",
        });
    });

    it("trust documents never hold a * principal", () => {
        const trust = roleTrustPolicy({
            principals: ["arn:aws:iam::1:root"],
            services: [],
            webIdentities: [],
            externalId: undefined,
        });
        expect(principalsOf(trust.Statement)).not.to.include("*");
        for (const i of built.inputs("aws:iam/role:Role"))
            expect(JSON.stringify(json(i.assumeRolePolicy).Statement.map((s) => s.Principal))).not.to.include('"*"');
    });
});

describe("every ARN the component builds comes from the provider's partition", () => {
    it("in aws-us-gov: no arn:aws: anywhere in what it registers", async () => {
        const { inputs, mocks, api } = await build(
            {
                ...EVERY_CALLER,
                createUser: true,
                crossAccountGrants: [{ principals: ["111122223333", "arn:aws-us-gov:iam::444455556666:role/partner"] }],
                grants: [{ roles: ["arn:aws-us-gov:iam::123456789012:role/worker"] }],
                invokePolicy: "managed",
                endpointType: "PRIVATE",
                resourcePolicy: allowAccountThroughVpcEndpoints("123456789012", ["vpce-1"]),
            },
            "aws-us-gov",
            "us-gov-west-1",
        );
        const everything = JSON.stringify(mocks.registrations.map((r) => r.inputs));
        expect(everything).not.to.match(/arn:aws:/);
        expect(everything).to.include("arn:aws-us-gov:iam::123456789012:root");
        expect(everything).to.include(awsManagedPolicyArn("aws-us-gov", "AmazonAPIGatewayInvokeFullAccess"));
        expect(String(inputs("aws:apigateway/restApi:RestApi")[0].policy)).to.include(
            "arn:aws-us-gov:execute-api:us-gov-west-1:",
        );
        const crossAccount = await valueOf(api.crossAccountPolicies);
        expect(JSON.stringify(crossAccount)).to.include("arn:aws-us-gov:iam::111122223333:root");
        expect(JSON.stringify(crossAccount)).to.include("arn:aws-us-gov:execute-api:us-gov-west-1:");
    });

    it("refuses a principal ARN of another partition than the provider's, naming the fix", () => {
        expect(() =>
            policyInPartition({ Statement: [{ Principal: { AWS: ["arn:aws:iam::111122223333:role/x"] } }] }, "aws-cn"),
        ).to.throw(
            'Resource policy statement 0 principal "arn:aws:iam::111122223333:role/x" is in partition aws, but this stack deploys to aws-cn: IAM refuses principals of another partition. Write the ARN with arn:aws-cn:, or give the account id.',
        );
        expect(accountRootArn("aws-cn", "111122223333")).to.equal("arn:aws-cn:iam::111122223333:root");
        expect(parseIamArn("arn:aws-cn:iam::111122223333:role/path/to/ci")).to.deep.equal({
            partition: "aws-cn",
            accountId: "111122223333",
            kind: "role",
            name: "ci",
        });
        expect(parseIamArn("arn:aws:iam::111122223333:role/*")).to.equal(undefined);
    });
});

describe("grant attachments are named after what they attach, not where the grant is", () => {
    const TRUST = JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
    /** The identities the grants below name, as the account holds them. */
    const identities = async (account: LocalAwsAccount) => {
        for (const role of ["worker", "reporting", "batch"])
            await account.provision("aws:iam/role:Role", role, { name: role, assumeRolePolicy: TRUST });
        await account.provision("aws:iam/user:User", "analyst", { name: "analyst" });
        await account.provision("aws:iam/group:Group", "ops", { name: "ops" });
    };
    const attachments = (built: Awaited<ReturnType<typeof build>>) =>
        built.mocks.registrations
            .filter((r) => /PolicyAttachment$/.test(r.type) && r.name.startsWith("api-grant"))
            .map((r) => ({
                name: r.name,
                identity: r.inputs.role ?? r.inputs.user ?? r.inputs.group,
                aliases: r.aliases,
            }));
    const second = {
        roles: ["reporting", "arn:aws:iam::123456789012:role/service-role/batch"],
        users: ["analyst"],
        groups: ["ops"],
        operations: ["GET /pets"],
    };

    it("removing the first of two grants leaves the second's attachments' names as they were", async () => {
        const both = await build(
            { createUser: false, grants: [{ roles: ["worker"] }, second] },
            "aws",
            "us-west-2",
            identities,
        );
        const alone = await build({ createUser: false, grants: [second] }, "aws", "us-west-2", identities);
        const names = (b: Awaited<ReturnType<typeof build>>) =>
            attachments(b).map(({ name, identity }) => ({ name, identity }));
        const slug = names(alone)
            .find((a) => a.identity === "reporting")!
            .name.replace(/^api-grant-role-reporting-/, "");
        expect(slug).to.match(/^ops-[0-9a-f]{8}$/);
        expect(names(alone)).to.have.deep.members([
            { name: `api-grant-role-reporting-${slug}`, identity: "reporting" },
            { name: `api-grant-role-batch-${slug}`, identity: "batch" },
            { name: `api-grant-user-analyst-${slug}`, identity: "analyst" },
            { name: `api-grant-group-ops-${slug}`, identity: "ops" },
        ]);
        expect(names(both)).to.have.deep.members([
            { name: "api-grant-role-worker-stage", identity: "worker" },
            ...names(alone),
        ]);
    });

    it("each keeps, as an alias, the positional name earlier versions gave it, so upgrading an unchanged stack detaches nothing", async () => {
        const built = await build(
            { createUser: false, grants: [{ roles: ["worker"] }, second] },
            "aws",
            "us-west-2",
            identities,
        );
        expect(attachments(built).map(({ identity, aliases }) => ({ identity, aliases }))).to.have.deep.members([
            { identity: "worker", aliases: ["api-grant1-role1"] },
            { identity: "reporting", aliases: ["api-grant2-role1"] },
            { identity: "batch", aliases: ["api-grant2-role2"] },
            { identity: "analyst", aliases: ["api-grant2-user1"] },
            { identity: "ops", aliases: ["api-grant2-group1"] },
        ]);
    });

    it("an Output identity is numbered among the Outputs of its kind granted the same operations: other grants' changes rename nothing", async () => {
        const reporting = { roles: [pulumi.output("reporting")], operations: ["GET /pets"] };
        const both = await build(
            { createUser: false, grants: [{ roles: [pulumi.output("worker")] }, { roles: ["batch"] }, reporting] },
            "aws",
            "us-west-2",
            identities,
        );
        const alone = await build({ createUser: false, grants: [reporting] }, "aws", "us-west-2", identities);
        const nameOf = (b: Awaited<ReturnType<typeof build>>, identity: string) =>
            attachments(b).find((a) => a.identity === identity)!.name;
        expect(nameOf(both, "worker")).to.equal("api-grant-role-#1-stage");
        expect(nameOf(both, "batch")).to.equal("api-grant-role-batch-stage");
        expect(nameOf(both, "reporting")).to.match(/^api-grant-role-#1-ops-[0-9a-f]{8}$/);
        expect(attachments(alone).map(({ name }) => name)).to.deep.equal([nameOf(both, "reporting")]);
    });
});

describe("the identity pool names its user pool's provider in that pool's own region", () => {
    const providerNames = async (userPoolId: pulumi.Input<string>, partition = "aws", region = "us-west-2") => {
        const built = await build(
            { createUser: false, identityPool: { userPool: { userPoolId, clientIds: ["client-1"] } } },
            partition,
            region,
        );
        const [pool] = built.inputs("aws:cognito/identityPool:IdentityPool");
        return (pool.cognitoIdentityProviders as { providerName: string }[]).map((p) => p.providerName);
    };

    it("a pool of eu-west-1 in a us-west-2 stack, given as a string or as an Output; and in China", async () => {
        expect(await providerNames("eu-west-1_AbC123")).to.deep.equal([
            "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123",
        ]);
        expect(await providerNames(pulumi.output("ap-southeast-2_Xyz9"))).to.deep.equal([
            "cognito-idp.ap-southeast-2.amazonaws.com/ap-southeast-2_Xyz9",
        ]);
        expect(await providerNames("cn-north-1_Abc", "aws-cn", "cn-northwest-1")).to.deep.equal([
            "cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_Abc",
        ]);
    });
});
