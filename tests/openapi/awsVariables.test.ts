import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { InvalidSecuredRestApiInput, OpenApiDocument, resolveSettings, SecuredRestApi } from "../../components";
import { LocalAwsAccount } from "../../local-aws/engine/account";
import { allRegistrationsSettled, useLocalAws } from "../../local-aws/engine/mocks";
import { serveLocally, valueOf } from "../helpers/localAws";
import { mockIntegration, openApi3, operation } from "../helpers/specs";

// The developer guide's own example ("AWS variables for OpenAPI import"), kept as published.
const GUIDE_EXAMPLE = fs.readFileSync(
    path.join(__dirname, "../fixtures/real-world/awsdocs-aws-variables.openapi.yaml"),
    "utf8",
);
const LAMBDA_URI =
    "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:tasks/invocations";
const T = { restApi: "aws:apigateway/restApi:RestApi" };

/** A resource policy of the document written with AWS variables: only this account's principals get in. */
const FENCED_POLICY = {
    Version: "2012-10-17",
    Statement: [
        {
            Sid: "DenyOtherAccounts",
            Effect: "Deny",
            Principal: "*",
            Action: "execute-api:Invoke",
            Resource: "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:*/*",
            Condition: {
                StringNotEquals: { "aws:PrincipalAccount": "${AWS::AccountId}" },
                Null: { "aws:PrincipalAccount": "false" },
            },
        },
    ],
};

function refusal(action: () => unknown): InvalidSecuredRestApiInput {
    try {
        action();
    } catch (e) {
        expect(e).to.be.instanceOf(InvalidSecuredRestApiInput);
        return e as InvalidSecuredRestApiInput;
    }
    throw new Error("expected a refusal");
}

const withUri = (uri: string) =>
    openApi3({
        "/tasks": {
            get: operation({ "x-amazon-apigateway-integration": { type: "aws_proxy", httpMethod: "POST", uri } }),
        },
    });

/** A fresh local account, of any partition, behind Pulumi's mock runtime (update mode: values known). */
async function accountOf(region: string, identity: { accountId: string; partition: string }) {
    const account = new LocalAwsAccount(region, undefined, identity);
    const mocks = await useLocalAws({ account, project: "secured-rest-api", stack: "test" });
    return { account, mocks };
}

describe("AWS variables for OpenAPI import (${AWS::Region}, ${AWS::AccountId}, ${AWS::Partition})", () => {
    it("accepts the developer guide's example at preview, judged with stand-ins, and keeps the variables in securedBody", () => {
        const settings = resolveSettings({ openApiSpec: GUIDE_EXAMPLE });
        expect(settings.spec.warnings).to.deep.equal([]);
        expect([...settings.spec.awsVariables].sort()).to.deep.equal([
            "AWS::AccountId",
            "AWS::Partition",
            "AWS::Region",
        ]);
        expect(settings.spec.body).to.include("arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:");
    });

    it("still applies the import rules to what the variables resolve to: a function ARN is no integration URI", () => {
        const error = refusal(() =>
            resolveSettings({
                openApiSpec: withUri("arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:tasks"),
            }),
        );
        expect(error.findings.map((f) => f.rule)).to.deep.equal(["integration-uri"]);
        expect(error.message).to.include(
            'whose uri "arn:aws:lambda:us-east-1:123456789012:function:tasks" is not of the form',
        );
    });

    it("refuses a variable API Gateway does not resolve, with the closest one, and the fix works", () => {
        const misspelt = LAMBDA_URI.replace("${AWS::AccountId}", "${AWS::AccountID}");
        const error = refusal(() => resolveSettings({ openApiSpec: withUri(misspelt) }));
        expect(error.findings.map((f) => [f.kind, f.rule])).to.deep.equal([["security", "aws-variable-unknown"]]);
        expect(error.message).to.match(
            /\$\{AWS::AccountID\} at paths\["\/tasks"\]\.get\.x-amazon-apigateway-integration\.uri is not one of API Gateway's AWS variables .* Write \$\{AWS::AccountId\}/,
        );
        expect(resolveSettings({ openApiSpec: withUri(LAMBDA_URI) }).spec.warnings).to.deep.equal([]);

        const stackName = refusal(() =>
            resolveSettings({ openApiSpec: withUri(`${LAMBDA_URI}?s=\${AWS::StackName}`) }),
        );
        expect(stackName.message).to.include("pass the value with specValues and a {{name}} placeholder");
        const named = refusal(() =>
            resolveSettings({ openApiSpec: openApi3({ "/${AWS::Region}": { get: operation() } }) }),
        );
        expect(named.findings.map((f) => f.rule)).to.include("aws-variable-in-name");
    });

    it("sends the body resolved with the stack's account, partition and region (another partition too)", async () => {
        for (const [region, identity] of [
            ["us-west-2", { accountId: "123456789012", partition: "aws" }],
            ["cn-north-1", { accountId: "210987654321", partition: "aws-cn" }],
        ] as const) {
            const { mocks } = await accountOf(region, identity);
            const api = new SecuredRestApi("tasks", { openApiSpec: GUIDE_EXAMPLE });
            await allRegistrationsSettled();
            const body = mocks.registrations.find((r) => r.type === T.restApi)!.inputs.body as string;
            const uri = `arn:${identity.partition}:apigateway:${region}:lambda:path/2015-03-31/functions/arn:${identity.partition}:lambda:${region}:${identity.accountId}:function:LambdaFunctionName/invocations`;
            expect(body).to.include(JSON.stringify(uri)).and.not.include("${AWS::");
            expect(await valueOf(api.body)).to.equal(body);
            expect(await valueOf(api.securedBody)).to.include("${AWS::Region}");
        }
    });

    it("resolves them in the resource policy, in the body and in the policy argument, before any check or IAM sees it", async () => {
        const { mocks } = await accountOf("eu-west-1", { accountId: "111122223333", partition: "aws" });
        const spec = openApi3(undefined, { "x-amazon-apigateway-policy": FENCED_POLICY });
        new SecuredRestApi("fenced", { openApiSpec: spec });
        await allRegistrationsSettled();
        const inputs = mocks.registrations.find((r) => r.type === T.restApi)!.inputs;
        for (const sent of [
            (JSON.parse(inputs.body as string) as OpenApiDocument)["x-amazon-apigateway-policy"],
            JSON.parse(inputs.policy as string),
        ]) {
            const [statement] = (sent as { Statement: Record<string, unknown>[] }).Statement;
            expect(statement.Resource).to.equal("arn:aws:execute-api:eu-west-1:111122223333:*/*");
            expect(statement.Condition).to.deep.include({
                StringNotEquals: { "aws:PrincipalAccount": "111122223333" },
            });
        }
        expect(inputs.policy).not.to.include("${AWS::");
    });

    it("local mode resolves them as API Gateway does at import, in its account's region, account and partition", async () => {
        const account = new LocalAwsAccount("ap-south-1", undefined, { accountId: "444455556666", partition: "aws" });
        const document = {
            ...(withUri(LAMBDA_URI) as Record<string, unknown>),
            "x-amazon-apigateway-policy": FENCED_POLICY,
        };
        const { id } = await account.provision(T.restApi, "raw", { body: JSON.stringify(document) });
        const imported = account.restApis.get(id)!.body;
        expect(imported).to.include(
            "arn:aws:apigateway:ap-south-1:lambda:path/2015-03-31/functions/arn:aws:lambda:ap-south-1:444455556666:function:tasks/invocations",
        );
        expect(imported).to.include('"aws:PrincipalAccount":"444455556666"').and.not.include("${AWS::");
    });

    it("serves a Lambda integration written with them, behind a policy written with them, in local mode", async () => {
        const { local, get } = await serveLocally(() => {
            const role = new aws.iam.Role("tasks", {
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
                    ],
                }),
            });
            const fn = new aws.lambda.Function("tasks", {
                name: "tasks",
                runtime: aws.lambda.Runtime.NodeJS20dX,
                handler: "index.handler",
                role: role.arn,
                code: new pulumi.asset.AssetArchive({
                    "index.js": new pulumi.asset.StringAsset(
                        'exports.handler = async () => ({ statusCode: 200, body: JSON.stringify({ tasks: ["write tests"] }) });',
                    ),
                }),
            });
            const spec = withUri(LAMBDA_URI) as { paths: Record<string, unknown> };
            spec.paths["/health"] = { get: operation({ "x-amazon-apigateway-integration": mockIntegration() }) };
            const api = new SecuredRestApi("tasks", {
                openApiSpec: { ...spec, "x-amazon-apigateway-policy": FENCED_POLICY },
            });
            new aws.lambda.Permission("tasks", {
                action: "lambda:InvokeFunction",
                function: fn.name,
                principal: "apigateway.amazonaws.com",
                sourceArn: pulumi.interpolate`${api.executionArn}/*/GET/tasks`,
            });
            return {
                invokeUrl: api.invokeUrl,
                region: api.region,
                accessKeyId: api.accessKeyId,
                secretAccessKey: api.secretAccessKey,
            };
        });
        try {
            const answer = await get("/tasks");
            expect([answer.status, JSON.parse(answer.body)]).to.deep.equal([200, { tasks: ["write tests"] }]);
        } finally {
            await local.close();
        }
    });
});
