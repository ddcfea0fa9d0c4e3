import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { expect } from "chai";
import { createSignedFetch } from "../../clients";
import { denyOutsideAccounts, SecuredRestApi } from "../../components";
import { operationsFromOutputs } from "../../smoke/operations";
import { runSmokeTest, SmokeOutputs } from "../../smoke/smokeTest";
import { PROJECT_DIR } from "../helpers/specs";
import {
    functionSourceArns,
    liveResourcePolicy,
    remainingAfterDestroy,
    stackResources,
    StackResource,
} from "./awsState";

/** Opt-in: deploying costs money and needs an AWS account, so it never runs by accident. */
const OPT_IN = "SECURED_REST_API_AWS_TEST";

/** An account other than the stack's, for crossAccountGrants (AWS checks the principals a policy names). */
const PARTNER_ACCOUNT = "SECURED_REST_API_AWS_PARTNER_ACCOUNT";
const REGION = process.env.AWS_REGION ?? "us-west-2";

/** A stack's outputs as plain values. */
const valuesOf = (outputs: Record<string, { value: unknown }>) =>
    Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value]));

/** Every smoke check of the stack's outputs passes (retrying while new keys and policies propagate). */
async function expectSmokePasses(outputs: Record<string, unknown>) {
    const rows = await runSmokeTest(outputs as unknown as SmokeOutputs, {
        operations: operationsFromOutputs(outputs)!,
        retryForSeconds: 90,
    });
    for (const row of rows) expect(row.pass, `${row.operation} ${row.check}: ${row.seen}`).to.equal(true);
}

/** A second preview of what was just deployed changes nothing (no policy or body drift); fails otherwise. */
const expectNoDrift = (stack: Stack) => stack.preview({ expectNoChanges: true });

/** Destroys the stack, then asks AWS for each of its resources: none may remain. */
async function destroyLeavingNothing(stack: Stack, resources: readonly StackResource[]) {
    await stack.destroy();
    expect(await remainingAfterDestroy(resources, REGION), "left in the account after destroy").to.deep.equal([]);
}

/** Why the real-AWS test cannot run here, or undefined when it can. */
function whyNotRunnable(): string | undefined {
    if (process.env[OPT_IN] !== "1") return `${OPT_IN} is not 1 (set it to deploy the test stack to real AWS)`;
    try {
        execFileSync("pulumi", ["version"], { stdio: "ignore" });
    } catch {
        return "the Pulumi CLI is not installed";
    }
    const hasCredentials =
        (process.env.AWS_ACCESS_KEY_ID && process.env.AWS_SECRET_ACCESS_KEY) ||
        process.env.AWS_PROFILE ||
        process.env.AWS_WEB_IDENTITY_TOKEN_FILE ||
        fs.existsSync(path.join(os.homedir(), ".aws", "credentials"));
    return hasCredentials ? undefined : "no AWS credentials (environment, AWS_PROFILE or ~/.aws/credentials)";
}

describe("real AWS through the Automation API: up the test stack, smoke test, destroy", function () {
    this.timeout(30 * 60_000);

    before(function () {
        const reason = whyNotRunnable();
        if (reason) {
            console.log(`      skipped, not passed: ${reason}`);
            this.skip();
        }
    });

    it("deploys, passes every smoke check (retrying while the new key propagates), then destroys", async () => {
        const stackName = process.env.SECURED_REST_API_AWS_STACK ?? "test";
        const stack = await LocalWorkspace.createOrSelectStack({ stackName, workDir: PROJECT_DIR });
        let resources: StackResource[] = [];
        try {
            const up = await stack.up();
            resources = await stackResources(stack);
            expect(up.outputs.secretAccessKey.secret).to.equal(true);
            await expectNoDrift(stack);
            await expectSmokePasses(valuesOf(up.outputs));
        } finally {
            await destroyLeavingNothing(stack, resources);
        }
    });

    it("resourcePolicy, cors, crossAccountGrants and lambdaIntegrations together: no drift; a grant removed, then every statement, leaves the live policy; destroy leaves nothing", async function () {
        const partner = process.env[PARTNER_ACCOUNT];
        if (partner === undefined || !/^\d{12}$/.test(partner)) {
            console.log(`      skipped, not passed: ${PARTNER_ACCOUNT} is not the 12-digit id of another account`);
            return this.skip();
        }
        // What the next `up` deploys: the program reads these each time it runs.
        const wanted = { partnerGrant: true, fence: true };
        const program = async () => {
            const { accountId } = await aws.getCallerIdentity();
            const role = new aws.iam.Role("items", {
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
                    ],
                }),
            });
            new aws.iam.RolePolicyAttachment("items-logs", {
                role: role.name,
                policyArn: aws.iam.ManagedPolicy.AWSLambdaBasicExecutionRole,
            });
            const handler = new aws.lambda.Function("items", {
                runtime: aws.lambda.Runtime.NodeJS22dX,
                handler: "index.handler",
                role: role.arn,
                code: new pulumi.asset.AssetArchive({
                    "index.js": new pulumi.asset.StringAsset(
                        "exports.handler = async (event) => ({ statusCode: 200, body: JSON.stringify({ caller: event.requestContext.identity.userArn }) });",
                    ),
                }),
            });
            const api = new SecuredRestApi("combined", {
                openApiSpec: {
                    openapi: "3.0.1",
                    info: { title: "combined", version: "1" },
                    paths: {
                        "/items": {
                            get: { responses: { "200": { description: "the items" } } },
                            post: { responses: { "200": { description: "an item added" } } },
                        },
                    },
                },
                lambdaIntegrations: { "GET /items": handler.arn, "POST /items": handler.arn },
                resourcePolicy: wanted.fence ? [denyOutsideAccounts([accountId, partner])] : [],
                crossAccountGrants: wanted.partnerGrant ? [{ principals: [partner], operations: ["GET /items"] }] : [],
                cors: { allowOrigin: "https://app.example.com" },
            });
            return {
                invokeUrl: api.invokeUrl,
                region: api.region,
                restApiId: api.restApiId,
                stageName: api.stageName,
                functionName: handler.name,
                accessKeyId: api.accessKeyId,
                secretAccessKey: api.secretAccessKey,
                operations: api.operations,
            };
        };
        const stack = await LocalWorkspace.createOrSelectStack({
            stackName: `${process.env.SECURED_REST_API_AWS_STACK ?? "test"}-combined`,
            projectName: "secured-rest-api-combined",
            program,
        });
        await stack.setConfig("aws:region", { value: REGION });
        let resources: StackResource[] = [];
        const deploy = async () => {
            const outputs = valuesOf((await stack.up()).outputs);
            resources = await stackResources(stack);
            await expectNoDrift(stack);
            await expectSmokePasses(outputs);
            const live = JSON.stringify((await liveResourcePolicy(String(outputs.restApiId), REGION)) ?? null);
            return { outputs, live };
        };
        try {
            const first = await deploy();
            expect(first.live).to.include(`arn:aws:iam::${partner}:root`).and.include("aws:PrincipalAccount");
            // One permission per operation, each scoped to its own method and path of this stage, never /*/*.
            const stage = String(first.outputs.stageName);
            const sourceArns = await functionSourceArns(String(first.outputs.functionName), REGION);
            expect(sourceArns.map((arn) => arn.split("/").slice(1).join("/")).sort()).to.deep.equal(
                [`${stage}/GET/items`, `${stage}/POST/items`].sort(),
            );
            wanted.partnerGrant = false;
            const withoutGrant = await deploy();
            expect(withoutGrant.live).to.not.include(`arn:aws:iam::${partner}:root`);
            expect(withoutGrant.live).to.include("aws:PrincipalAccount");
            // No statement left: the policy must go, not stay as the provider last saw it.
            wanted.fence = false;
            const withoutPolicy = await deploy();
            expect(withoutPolicy.live).to.equal("null");
        } finally {
            await destroyLeavingNothing(stack, resources);
        }
    });

    it("deploys a document with AWS variables and a requirement of an undefined scheme, resolved and behind SigV4", async () => {
        // The AWS variables in a MOCK's answer: the body sent holds the stack's values, so the answer does too.
        const where = {
            type: "mock",
            requestTemplates: { "application/json": '{"statusCode": 200}' },
            responses: {
                default: {
                    statusCode: "200",
                    responseTemplates: {
                        "application/json": '{"region": "${AWS::Region}", "account": "${AWS::AccountId}"}',
                    },
                },
            },
        };
        const program = () => {
            const api = new SecuredRestApi("aws-variables", {
                openApiSpec: {
                    openapi: "3.0.1",
                    info: { title: "aws-variables", version: "1" },
                    paths: {
                        "/where": {
                            get: {
                                security: [{ partner: [] }],
                                responses: { "200": { description: "the region and account" } },
                                "x-amazon-apigateway-integration": where,
                            },
                        },
                    },
                },
            });
            return Promise.resolve({
                invokeUrl: api.invokeUrl,
                region: api.region,
                accessKeyId: api.accessKeyId,
                secretAccessKey: api.secretAccessKey,
                operations: api.operations,
            });
        };
        const stack = await LocalWorkspace.createOrSelectStack({
            stackName: `${process.env.SECURED_REST_API_AWS_STACK ?? "test"}-aws-variables`,
            projectName: "secured-rest-api-aws-variables",
            program,
        });
        let resources: StackResource[] = [];
        try {
            await stack.setConfig("aws:region", { value: REGION });
            const outputs = valuesOf((await stack.up()).outputs);
            resources = await stackResources(stack);
            await expectNoDrift(stack);
            await expectSmokePasses(outputs);
            const answer = (await (
                await createSignedFetch(outputs as unknown as Parameters<typeof createSignedFetch>[0])("/where")
            ).json()) as Record<string, string>;
            expect(answer.region).to.equal(outputs.region);
            expect(answer.account).to.match(/^\d{12}$/);
        } finally {
            await destroyLeavingNothing(stack, resources);
        }
    });
});
