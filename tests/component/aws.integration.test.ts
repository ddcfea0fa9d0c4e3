import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { expect } from "chai";
import { createSignedFetch } from "../../clients";
import { SecuredRestApi } from "../../components";
import { operationsFromOutputs } from "../../smoke/operations";
import { runSmokeTest, SmokeOutputs } from "../../smoke/smokeTest";
import { PROJECT_DIR } from "../helpers/specs";

/** Opt-in: deploying costs money and needs an AWS account, so it never runs by accident. */
const OPT_IN = "SECURED_REST_API_AWS_TEST";

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
        try {
            const up = await stack.up();
            const outputs = Object.fromEntries(Object.entries(up.outputs).map(([k, v]) => [k, v.value as unknown]));
            expect(up.outputs.secretAccessKey.secret).to.equal(true);
            const operations = operationsFromOutputs(outputs)!;
            const rows = await runSmokeTest(outputs as unknown as SmokeOutputs, { operations, retryForSeconds: 90 });
            for (const row of rows) expect(row.pass, `${row.operation} ${row.check}: ${row.seen}`).to.equal(true);
        } finally {
            await stack.destroy();
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
        try {
            await stack.setConfig("aws:region", { value: process.env.AWS_REGION ?? "us-west-2" });
            const up = await stack.up();
            const outputs = Object.fromEntries(Object.entries(up.outputs).map(([k, v]) => [k, v.value as unknown]));
            const rows = await runSmokeTest(outputs as unknown as SmokeOutputs, {
                operations: operationsFromOutputs(outputs)!,
                retryForSeconds: 90,
            });
            for (const row of rows) expect(row.pass, `${row.operation} ${row.check}: ${row.seen}`).to.equal(true);
            const answer = (await (
                await createSignedFetch(outputs as unknown as Parameters<typeof createSignedFetch>[0])("/where")
            ).json()) as Record<string, string>;
            expect(answer.region).to.equal(outputs.region);
            expect(answer.account).to.match(/^\d{12}$/);
        } finally {
            await stack.destroy();
        }
    });
});
