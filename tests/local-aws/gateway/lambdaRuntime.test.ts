import * as fs from "fs";
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { LocalAwsAccount } from "../../../local-aws/engine/account";
import { allRegistrationsSettled } from "../../../local-aws/engine/mocks";
import { LambdaRuntimes } from "../../../local-aws/gateway/lambdaRuntimes";
import { freshLocalAws, valueOf } from "../../helpers/localAws";

const FIXTURES = path.join(__dirname, "../../fixtures/programs/lambda");
const LAMBDA_TRUST = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

/** Provisions the resources `declare` makes into a fresh account; the first refusal, if any, as its message. */
async function provision(
    declare: (role: aws.iam.Role) => void,
): Promise<{ account: LocalAwsAccount; refused?: string }> {
    const { account, mocks } = await freshLocalAws(false);
    declare(new aws.iam.Role("runtime-test", { assumeRolePolicy: LAMBDA_TRUST }));
    const refused = await Promise.race([
        allRegistrationsSettled().then(() => undefined),
        mocks.failed.catch((e: Error) => e.message),
    ]);
    return { account, refused };
}

/** Functions run outside any gateway: the engine's record and the runtimes alone. */
describe("local Lambda: code packages and the Node.js runtime", () => {
    const runtimes = new LambdaRuntimes({ log: () => undefined });
    after(() => runtimes.close());
    const invoke = (account: LocalAwsAccount, name: string, event: unknown = {}) =>
        runtimes.invoke(account.functionNamed(name).fn, event, `request-${name}`);

    it("runs a .zip package (greet.zip: a CommonJS callback handler and its lib/), an AssetArchive and an ES module", async () => {
        const { account, refused } = await provision((role) => {
            const common = { role: role.arn, runtime: aws.lambda.Runtime.NodeJS22dX, handler: "index.handler" };
            new aws.lambda.Function("zipped", {
                ...common,
                name: "zipped",
                code: new pulumi.asset.FileArchive(path.join(FIXTURES, "greet.zip")),
            });
            new aws.lambda.Function("assets", {
                ...common,
                name: "assets",
                handler: "src/main.run",
                code: new pulumi.asset.AssetArchive({
                    "src/main.js": new pulumi.asset.StringAsset(
                        'exports.run = async () => ({ text: require("fs").readFileSync(__dirname + "/../data.txt", "utf8") });',
                    ),
                    "data.txt": new pulumi.asset.FileAsset(path.join(FIXTURES, "greet.zip")),
                }),
            });
            new aws.lambda.Function("esm", {
                ...common,
                name: "esm",
                code: new pulumi.asset.FileArchive(path.join(FIXTURES, "echo")),
            });
        });
        expect(refused).to.equal(undefined);
        const zipped = await invoke(account, "zipped", { name: "zip" });
        expect(zipped.kind).to.equal("result");
        const greeting = JSON.parse(zipped.payload) as { greeting: string; cwd: string };
        expect(greeting.greeting).to.equal("hello, zip");
        expect(fs.realpathSync(greeting.cwd)).to.equal(fs.realpathSync(account.functions.get("zipped")!.codeDir));
        const assets = JSON.parse((await invoke(account, "assets")).payload) as { text: string };
        expect(Buffer.from(assets.text, "latin1").subarray(0, 2).toString()).to.equal("PK");
        const esm = await invoke(account, "esm", { queryStringParameters: { status: "204" } });
        expect((JSON.parse(esm.payload) as { statusCode: number }).statusCode).to.equal(204);
    });

    it("finds only what the package holds: a module of the project outside it is not there, as in AWS", async () => {
        const { account } = await provision((role) => {
            new aws.lambda.Function("outside", {
                role: role.arn,
                name: "outside",
                runtime: "nodejs20.x",
                handler: "index.handler",
                code: new pulumi.asset.AssetArchive({
                    "index.js": new pulumi.asset.StringAsset(
                        'exports.handler = async () => require("yaml").stringify(1);',
                    ),
                }),
            });
        });
        const outside = await invoke(account, "outside");
        expect(outside.kind).to.equal("error");
        expect(outside.kind === "error" && outside.error.errorMessage).to.include("Cannot find module 'yaml'");
    });

    it("reports a missing module or export as Lambda does, at init", async () => {
        const { account } = await provision((role) => {
            const code = new pulumi.asset.AssetArchive({
                "index.js": new pulumi.asset.StringAsset("exports.other = 1;"),
            });
            new aws.lambda.Function("noexport", {
                role: role.arn,
                name: "noexport",
                runtime: "nodejs20.x",
                handler: "index.handler",
                code,
            });
            new aws.lambda.Function("nomodule", {
                role: role.arn,
                name: "nomodule",
                runtime: "nodejs20.x",
                handler: "app.handler",
                code,
            });
        });
        const [noExport, noModule] = await Promise.all([invoke(account, "noexport"), invoke(account, "nomodule")]);
        expect(noExport.kind === "error" && noExport.error).to.deep.include({
            errorType: "Runtime.HandlerNotFound",
            errorMessage: "index.handler is undefined or not exported",
        });
        expect(noModule.kind === "error" && noModule.error).to.deep.include({
            errorType: "Runtime.ImportModuleError",
            errorMessage: "Cannot find module 'app'",
        });
    });

    const refusals: { name: string; declare: (role: aws.iam.Role) => void; refused: RegExp }[] = [
        {
            name: "another runtime",
            declare: (role) =>
                new aws.lambda.Function("py", {
                    role: role.arn,
                    runtime: "python3.12",
                    handler: "app.handler",
                    code: new pulumi.asset.FileArchive(path.join(FIXTURES, "echo")),
                }),
            refused:
                /Local mode does not emulate the runtime "python3\.12" of aws\.lambda\.Function "py"; it runs Node\.js functions: nodejs18\.x/,
        },
        {
            name: "a deprecated Node.js runtime",
            declare: (role) =>
                new aws.lambda.Function("old", {
                    role: role.arn,
                    runtime: "nodejs16.x",
                    handler: "index.handler",
                    code: new pulumi.asset.FileArchive(path.join(FIXTURES, "echo")),
                }),
            refused: /The runtime parameter of nodejs16\.x is no longer supported/,
        },
        {
            name: "code from S3",
            declare: (role) =>
                new aws.lambda.Function("s3", {
                    role: role.arn,
                    runtime: "nodejs20.x",
                    handler: "index.handler",
                    s3Bucket: "artifacts",
                    s3Key: "fn.zip",
                }),
            refused: /Local mode does not emulate code from S3 \(s3Bucket, s3Key\) of aws\.lambda\.Function "s3"/,
        },
        {
            name: "an archive other than a .zip",
            declare: (role) =>
                new aws.lambda.Function("tar", {
                    role: role.arn,
                    runtime: "nodejs20.x",
                    handler: "index.handler",
                    code: new pulumi.asset.FileArchive(path.join(FIXTURES, "echo/index.mjs")),
                }),
            refused:
                /Local mode does not emulate the archive \S+index\.mjs \(only \.zip files and folders are unpacked\) as the code of aws\.lambda\.Function "tar"/,
        },
        {
            name: "code that is not there",
            declare: (role) =>
                new aws.lambda.Function("gone", {
                    role: role.arn,
                    runtime: "nodejs20.x",
                    handler: "index.handler",
                    code: new pulumi.asset.FileArchive(path.join(FIXTURES, "gone.zip")),
                }),
            refused: /The code of aws\.lambda\.Function "gone" does not exist: \S+gone\.zip\./,
        },
        {
            name: "a reserved environment variable",
            declare: (role) =>
                new aws.lambda.Function("env", {
                    role: role.arn,
                    runtime: "nodejs20.x",
                    handler: "index.handler",
                    code: new pulumi.asset.FileArchive(path.join(FIXTURES, "echo")),
                    environment: { variables: { AWS_REGION: "eu-west-1" } },
                }),
            refused: /Reserved keys used in this request: AWS_REGION/,
        },
        {
            name: "a role Lambda may not assume",
            declare: () =>
                new aws.lambda.Function("untrusted", {
                    role: new aws.iam.Role("ec2", {
                        assumeRolePolicy: JSON.stringify({
                            Version: "2012-10-17",
                            Statement: [
                                {
                                    Effect: "Allow",
                                    Principal: { Service: "ec2.amazonaws.com" },
                                    Action: "sts:AssumeRole",
                                },
                            ],
                        }),
                    }).arn,
                    runtime: "nodejs20.x",
                    handler: "index.handler",
                    code: new pulumi.asset.FileArchive(path.join(FIXTURES, "echo")),
                }),
            refused:
                /The role defined for the function cannot be assumed by Lambda \(the trust policy of ec2-\w+ allows no sts:AssumeRole by lambda\.amazonaws\.com\)/,
        },
        {
            name: "a CallbackFunction given a managed policy AWS does not publish",
            declare: () =>
                new aws.lambda.CallbackFunction("defaults", {
                    callback: () => Promise.resolve({ statusCode: 200 }),
                    policies: ["arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole"],
                }),
            refused:
                /NoSuchEntity: Policy arn:aws:iam::aws:policy\/AWSLambdaBasicExecutionRole does not exist or is not attachable\. .*the nearest are arn:aws:iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole/,
        },
        {
            name: "a permission for a function that does not exist",
            declare: () =>
                new aws.lambda.Permission("nowhere", {
                    action: "lambda:InvokeFunction",
                    function: "missing",
                    principal: "apigateway.amazonaws.com",
                }),
            refused:
                /ResourceNotFoundException: Function not found: arn:aws:lambda:us-west-2:123456789012:function:missing/,
        },
    ];
    for (const { name, declare, refused } of refusals) {
        it(`refuses ${name}, naming the resource`, async () => {
            expect((await provision(declare)).refused).to.match(refused);
        });
    }

    it("gives a Function's ARN, invokeArn and a Permission's statement the shapes AWS gives them", async () => {
        let fn: aws.lambda.Function | undefined;
        const { account } = await provision((role) => {
            fn = new aws.lambda.Function("shaped", {
                role: role.arn,
                runtime: "nodejs20.x",
                handler: "index.handler",
                code: new pulumi.asset.FileArchive(path.join(FIXTURES, "echo")),
            });
            new aws.lambda.Permission("shaped", {
                action: "lambda:InvokeFunction",
                function: fn,
                principal: "apigateway.amazonaws.com",
                sourceArn: "arn:aws:execute-api:us-west-2:123456789012:abc/*/GET/items",
            });
        });
        const arn = (await valueOf(fn!.arn))!;
        expect(arn).to.match(/^arn:aws:lambda:us-west-2:123456789012:function:shaped-[a-z0-9]{7}$/);
        expect(await valueOf(fn!.invokeArn)).to.equal(
            `arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/${arn}/invocations`,
        );
        const [statement] = account.permissions.get(arn.split(":").pop()!)!;
        expect(statement).to.deep.include({ principal: "apigateway.amazonaws.com", qualifier: undefined });
        expect(statement.statementId).to.match(/^terraform-/);
    });
});
