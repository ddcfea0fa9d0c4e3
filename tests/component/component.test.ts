import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import {
    deploymentHash,
    listOperations,
    OpenApiDocument,
    prepareSpec,
    SecuredRestApi,
    SecuredRestApiArgs,
} from "../../components";
import { allRegistrationsSettled } from "../../local-aws/engine/mocks";
import { freshLocalAws, inputsOf, TEST_REGION, valueOf } from "../helpers/localAws";
import { openApi3, operation, PETSTORE_OPENAPI, PETSTORE_SWAGGER } from "../helpers/specs";

const T = {
    restApi: "aws:apigateway/restApi:RestApi",
    deployment: "aws:apigateway/deployment:Deployment",
    stage: "aws:apigateway/stage:Stage",
    methodSettings: "aws:apigateway/methodSettings:MethodSettings",
    group: "aws:iam/group:Group",
    policy: "aws:iam/policy:Policy",
    attachment: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    user: "aws:iam/user:User",
    membership: "aws:iam/userGroupMembership:UserGroupMembership",
    accessKey: "aws:iam/accessKey:AccessKey",
};
const MANAGED_ARN = "arn:aws:iam::aws:policy/AmazonAPIGatewayInvokeFullAccess";

/** Builds the component on a fresh local account; records each child's type and parent. */
async function build(args: SecuredRestApiArgs, preview: boolean, name = "api") {
    const { account, mocks } = await freshLocalAws(preview);
    const children: { type: string; parent: pulumi.Resource | undefined }[] = [];
    const capture: pulumi.ResourceTransformation = (t) => {
        // Transformations given to a component run for it too; keep its children only.
        if (t.type !== SecuredRestApi.typeToken) children.push({ type: t.type, parent: t.opts.parent });
        return undefined;
    };
    const api = new SecuredRestApi(name, args, { transformations: [capture] });
    await allRegistrationsSettled();
    return { api, account, mocks, children };
}

for (const preview of [true, false]) {
    describe(`SecuredRestApi under the mock runtime (${preview ? "preview" : "update"})`, () => {
        it("registers the REST API, deployment, stage and IAM identity, every one a child of the component", async () => {
            const { api, mocks, children } = await build({ openApiSpec: PETSTORE_OPENAPI }, preview);
            const childTypes = mocks.registrations
                .filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"))
                .map((r) => r.type);
            expect([...childTypes].sort()).to.deep.equal(Object.values(T).sort());
            expect(children.map((c) => c.type).sort()).to.deep.equal(Object.values(T).sort());
            for (const child of children) expect(child.parent, child.type).to.equal(api);
            expect(mocks.registrations.filter((r) => r.type === SecuredRestApi.typeToken)).to.have.length(1);
        });

        it("sends the secured body, with every operation AWS_IAM, for OpenAPI 3.0 and Swagger 2.0", async () => {
            for (const spec of [PETSTORE_OPENAPI, PETSTORE_SWAGGER]) {
                const { mocks } = await build({ openApiSpec: spec }, preview);
                const inputs = inputsOf(mocks, T.restApi);
                expect(inputs.body).to.equal(prepareSpec(spec).body);
                const operations = listOperations(JSON.parse(String(inputs.body)) as OpenApiDocument);
                expect(operations.length).to.be.greaterThan(0);
                for (const { operation: op } of operations)
                    expect(op["x-amazon-apigateway-auth"]).to.deep.equal({ type: "AWS_IAM" });
                expect(inputs.putRestApiMode).to.equal("overwrite");
                expect(inputs.endpointConfiguration).to.deep.equal({ types: "REGIONAL" });
            }
        });

        it("puts the stage name on the Stage and hashes the API into the Deployment's triggers", async () => {
            const { mocks } = await build({ openApiSpec: PETSTORE_OPENAPI, stageName: "v1" }, preview);
            expect(inputsOf(mocks, T.stage).stageName).to.equal("v1");
            const expected = deploymentHash({
                body: prepareSpec(PETSTORE_OPENAPI).body,
                endpointType: "REGIONAL",
                disableExecuteApiEndpoint: false,
            });
            expect(inputsOf(mocks, T.deployment).triggers).to.deep.equal({ redeployment: expected });
        });

        it("creates no login profile and keeps the access key secret", async () => {
            const { api, mocks } = await build({ openApiSpec: PETSTORE_OPENAPI }, preview);
            expect(mocks.registrations.some((r) => /LoginProfile/.test(r.type))).to.equal(false);
            expect(await pulumi.isSecret(api.accessKeyId!)).to.equal(true);
            expect(await pulumi.isSecret(api.secretAccessKey!)).to.equal(true);
            expect(await pulumi.isSecret(api.invokeUrl)).to.equal(false);
        });

        it("refuses a bad spec before registering anything, naming the component", async () => {
            const { mocks } = await freshLocalAws(preview);
            const bad = openApi3({ "/pets": { get: { responses: { "200": { description: "ok" } } } } });
            expect(() => new SecuredRestApi("broken", { openApiSpec: bad })).to.throw(
                /SecuredRestApi "broken": Operation GET \/pets/,
            );
            expect(
                () => new SecuredRestApi("broken2", { openApiSpec: PETSTORE_OPENAPI, stageName: "no spaces" }),
            ).to.throw(/stageName "no spaces"/);
            expect(mocks.registrations).to.deep.equal([]);
        });
    });
}

describe("SecuredRestApi resources as provisioned (update)", () => {
    it("scoped policy: only execute-api:Invoke, only on this API's stage, attached to the group", async () => {
        const { api, account, mocks } = await build({ openApiSpec: PETSTORE_OPENAPI }, false);
        const apiId = await valueOf(api.restApiId);
        const policy = JSON.parse(String(inputsOf(mocks, T.policy).policy)) as unknown;
        expect(policy).to.deep.equal({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "InvokeThisApiStage",
                    Effect: "Allow",
                    Action: "execute-api:Invoke",
                    Resource: `arn:aws:execute-api:${TEST_REGION}:123456789012:${apiId}/test/*/*`,
                },
            ],
        });
        const policyArn = await valueOf(api.policyArn);
        expect(inputsOf(mocks, T.attachment)).to.deep.include({ group: await valueOf(api.groupName), policyArn });
        expect(account.userAttachments.size).to.equal(0);
    });

    it("managed policy: attaches exactly AmazonAPIGatewayInvokeFullAccess and creates no policy", async () => {
        const { api, mocks } = await build({ openApiSpec: PETSTORE_OPENAPI, invokePolicy: "managed" }, false);
        expect(mocks.registrations.filter((r) => r.type === T.policy)).to.have.length(0);
        expect(mocks.registrations.filter((r) => r.type === T.attachment)).to.have.length(1);
        expect(inputsOf(mocks, T.attachment).policyArn).to.equal(MANAGED_ARN);
        expect(await valueOf(api.policyArn)).to.equal(MANAGED_ARN);
    });

    it("the user is a member of the group, with one access key of AWS's shape", async () => {
        const { api, account } = await build({ openApiSpec: PETSTORE_OPENAPI }, false);
        const userName = (await valueOf(api.userName))!;
        expect([...(account.memberships.get(userName) ?? [])]).to.deep.equal([await valueOf(api.groupName)]);
        expect(await valueOf(api.accessKeyId)).to.match(/^AKIA[A-Z2-7]{16}$/);
        expect(await valueOf(api.secretAccessKey)).to.have.length(40);
        expect(await valueOf(api.userArn)).to.equal(`arn:aws:iam::123456789012:user/${userName}`);
    });

    it("outputs come from the resources: invoke URL from the stage, region from the provider", async () => {
        const { api } = await build({ openApiSpec: PETSTORE_OPENAPI, stageName: "prod" }, false);
        const id = await valueOf(api.restApiId);
        expect(await valueOf(api.invokeUrl)).to.equal(`https://${id}.execute-api.${TEST_REGION}.amazonaws.com/prod`);
        expect(await valueOf(api.region)).to.equal(TEST_REGION);
        expect(await valueOf(api.stageName)).to.equal("prod");
        expect(await valueOf(api.executionArn)).to.equal(`arn:aws:execute-api:${TEST_REGION}:123456789012:${id}`);
    });
});

describe("Deployment triggers", () => {
    async function triggerFor(args: SecuredRestApiArgs) {
        const { mocks } = await build(args, true);
        return inputsOf(mocks, T.deployment).triggers;
    }
    const base = openApi3({ "/pets": { get: operation() } });
    const changed = openApi3({ "/pets": { get: operation(), post: operation() } });

    it("change when the spec changes, and only then", async () => {
        const first = await triggerFor({ openApiSpec: base });
        expect(await triggerFor({ openApiSpec: base })).to.deep.equal(first);
        expect(await triggerFor({ openApiSpec: JSON.stringify(base) })).to.deep.equal(first);
        expect(await triggerFor({ openApiSpec: base, stageName: "other", tags: { team: "x" } })).to.deep.equal(first);
        expect(await triggerFor({ openApiSpec: changed })).not.to.deep.equal(first);
        expect(await triggerFor({ openApiSpec: base, publicOperations: ["GET /pets"] })).not.to.deep.equal(first);
        expect(await triggerFor({ openApiSpec: base, endpointType: "EDGE" })).not.to.deep.equal(first);
        // API Gateway applies the switch only with the next deployment: it must make one.
        const disabled = await triggerFor({ openApiSpec: base, disableExecuteApiEndpoint: true });
        expect(disabled).not.to.deep.equal(first);
        expect(await triggerFor({ openApiSpec: base, disableExecuteApiEndpoint: false })).to.deep.equal(first);
    });
});
