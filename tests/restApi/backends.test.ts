import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { deploymentHash, listOperations, OpenApiDocument, SecuredRestApi, SecuredRestApiArgs } from "../../components";
import { MAX_FUNCTION_POLICY_BYTES, permissionNames } from "../../components/restApi/backends";
import { functionPolicy } from "../../local-aws/engine/lambda";
import { PENDING_LAMBDA_URI } from "../../components/openapi/backends";
import { allRegistrationsSettled } from "../../local-aws/engine/mocks";
import { freshLocalAws, inputsOf, valueOf } from "../helpers/localAws";
import { mockIntegration, openApi3 } from "../helpers/specs";

const T = {
    restApi: "aws:apigateway/restApi:RestApi",
    deployment: "aws:apigateway/deployment:Deployment",
    permission: "aws:lambda/permission:Permission",
};
const ok = { responses: { "200": { description: "ok" } } };
/** Operations without integrations of their own, for lambdaIntegrations to serve. */
const ITEMS = openApi3({
    "/": { get: ok },
    "/items": { get: ok, post: ok },
    "/items/{itemId}": { get: ok },
    "/files/{proxy+}": { "x-amazon-apigateway-any-method": ok },
    "/health": { get: { ...ok, "x-amazon-apigateway-integration": mockIntegration() } },
});
const ARN = "arn:aws:lambda:us-west-2:123456789012:function:items";
const OTHER_ARN = "arn:aws:lambda:eu-central-1:123456789012:function:items-v2";
const everyOperation = (arn: pulumi.Input<string>) => ({
    "GET /": arn,
    "GET /items": arn,
    "POST /items": arn,
    "GET /items/{itemId}": arn,
    "ANY /files/{proxy+}": arn,
});

const integrationsOf = (body: string) =>
    new Map(
        listOperations(JSON.parse(body) as OpenApiDocument).map((o) => [
            `${o.verb} ${o.path}`,
            o.operation["x-amazon-apigateway-integration"],
        ]),
    );

/** A function of the program, as the README's program makes one (its ARN an Output, unknown in preview). */
function itemsFunction(functionName?: string): aws.lambda.Function {
    const role = new aws.iam.Role(functionName ?? "items", {
        assumeRolePolicy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
    });
    return new aws.lambda.Function(functionName ?? "items", {
        name: functionName,
        runtime: "nodejs20.x",
        handler: "index.handler",
        role: role.arn,
        code: new pulumi.asset.AssetArchive({
            "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ statusCode: 200 });"),
        }),
    });
}

describe("lambdaIntegrations: operations served by the program's Lambda functions", () => {
    it("writes an aws_proxy integration (POST to the invocation URI, in the API's region) on each operation", async () => {
        await freshLocalAws(true);
        const api = new SecuredRestApi("items", {
            openApiSpec: ITEMS,
            lambdaIntegrations: { ...everyOperation(ARN), "ANY /files/{proxy+}": OTHER_ARN },
        });
        const integrations = integrationsOf((await valueOf(api.body))!);
        expect(await valueOf(api.region)).to.equal("us-west-2");
        expect(integrations.get("GET /items")).to.deep.equal({
            type: "aws_proxy",
            httpMethod: "POST",
            uri: `arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/${ARN}/invocations`,
            passthroughBehavior: "when_no_match",
        });
        expect(integrations.get("ANY /files/{proxy+}")).to.deep.include({
            // The service part is the API's region, whatever the function's (AWS's developer guide; CDK does the same).
            uri: `arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/${OTHER_ARN}/invocations`,
        });
        expect(integrations.get("GET /health")).to.deep.equal(mockIntegration());
        // Every operation is still AWS_IAM: wiring a backend opens nothing.
        for (const operation of (await valueOf(api.operations))!) expect(operation.authorization).to.equal("AWS_IAM");
    });

    it("makes each function's permissions in the function's own region, where Lambda can add them", async () => {
        const { mocks } = await freshLocalAws(true);
        new SecuredRestApi("items", {
            openApiSpec: ITEMS,
            lambdaIntegrations: { ...everyOperation(ARN), "ANY /files/{proxy+}": OTHER_ARN },
        });
        await allRegistrationsSettled();
        const regions = mocks.registrations.filter((r) => r.type === T.permission).map((p) => p.inputs.region);
        expect(regions).to.deep.equal(["us-west-2", "us-west-2", "us-west-2", "us-west-2", "eu-central-1"]);
    });

    it("creates one aws.lambda.Permission per operation, scoped to that method of this API's stage (ANY and params as *, the root as /)", async () => {
        const { mocks } = await freshLocalAws(false);
        const fn = itemsFunction();
        const api = new SecuredRestApi("items", {
            openApiSpec: ITEMS,
            stageName: "v1",
            lambdaIntegrations: everyOperation(fn.arn),
        });
        await allRegistrationsSettled();
        const executionArn = await valueOf(api.executionArn);
        const permissions = mocks.registrations.filter((r) => r.type === T.permission);
        expect(permissions.map((p) => [p.name, p.inputs.sourceArn])).to.deep.equal([
            ["items-lambda-get-root", `${executionArn}/v1/GET/`],
            ["items-lambda-get-items", `${executionArn}/v1/GET/items`],
            ["items-lambda-post-items", `${executionArn}/v1/POST/items`],
            ["items-lambda-get-items-itemId", `${executionArn}/v1/GET/items/*`],
            ["items-lambda-any-files-proxy", `${executionArn}/v1/*/files/*`],
        ]);
        for (const { inputs } of permissions)
            expect(inputs).to.deep.include({
                action: "lambda:InvokeFunction",
                function: await valueOf(fn.arn),
                principal: "apigateway.amazonaws.com",
            });
        expect(api.lambdaPermissions).to.have.length(5);
        const stage = mocks.registrations.find((r) => r.type === "aws:apigateway/stage:Stage");
        expect(stage, "the stage is served once the permissions exist").not.to.equal(undefined);
    });

    it("previews with the function ARN unknown: the integration is written, its URI pending, a permission per operation", async () => {
        const { mocks } = await freshLocalAws(true);
        const fn = itemsFunction();
        const api = new SecuredRestApi("items", { openApiSpec: ITEMS, lambdaIntegrations: everyOperation(fn.arn) });
        await allRegistrationsSettled();
        expect(await valueOf(fn.arn)).to.equal(undefined);
        expect(integrationsOf(api.securedBody).get("POST /items")).to.deep.include({
            type: "aws_proxy",
            uri: PENDING_LAMBDA_URI,
        });
        expect(mocks.registrations.filter((r) => r.type === T.permission)).to.have.length(5);
        const unknown = { __pulumiUnknown: true };
        expect(inputsOf(mocks, T.restApi).body).to.deep.include(unknown);
        expect((inputsOf(mocks, T.deployment).triggers as { redeployment: unknown }).redeployment).to.deep.include(
            unknown,
        );
    });

    it("hashes the resolved body into the Deployment's trigger: a new function ARN redeploys, the same one does not", async () => {
        const triggerWith = async (args: Partial<SecuredRestApiArgs>) => {
            const { mocks } = await freshLocalAws(true);
            new SecuredRestApi("items", { openApiSpec: ITEMS, ...args });
            await allRegistrationsSettled();
            return inputsOf(mocks, T.deployment).triggers as { redeployment: string };
        };
        const first = await triggerWith({ lambdaIntegrations: everyOperation(ARN) });
        expect(await triggerWith({ lambdaIntegrations: everyOperation(pulumi.output(ARN)) })).to.deep.equal(first);
        expect(await triggerWith({ lambdaIntegrations: everyOperation(OTHER_ARN) })).not.to.deep.equal(first);
        const api = new SecuredRestApi("again", { openApiSpec: ITEMS, lambdaIntegrations: everyOperation(ARN) });
        expect(first.redeployment).to.equal(
            deploymentHash({
                body: (await valueOf(api.body))!,
                endpointType: "REGIONAL",
                disableExecuteApiEndpoint: false,
            }),
        );
    });

    it("refuses, when pulumi up knows it, an ARN that is not a function's, naming the entry", async () => {
        await freshLocalAws(true);
        const api = new SecuredRestApi("items", {
            openApiSpec: ITEMS,
            lambdaIntegrations: { ...everyOperation(ARN), "GET /items": pulumi.output("items") },
        });
        let message = "";
        await valueOf(api.body).catch((e: Error) => (message = e.message));
        expect(message).to.include('lambdaIntegrations["GET /items"] is "items", not a Lambda function ARN');
    });

    it("names permissions after their operations, and tells apart operations that would read alike", () => {
        const names = permissionNames("api", ["GET /a-b", "GET /a/b", "POST /"]);
        expect(names[2]).to.equal("api-lambda-post-root");
        expect(names[0]).to.match(/^api-lambda-get-a-b-[0-9a-f]{8}$/);
        expect(names[1])
            .to.match(/^api-lambda-get-a-b-[0-9a-f]{8}$/)
            .and.not.equal(names[0]);
        // Stable: the same operations get the same names whatever else is wired.
        expect(permissionNames("api", ["GET /a/b", "PUT /c", "GET /a-b"])).to.include.members(names.slice(0, 2));
    });
});

/** A document of `count` GET operations `/r0` … with no integration, and the entries serving them all from `arn`. */
function manyOperations(count: number, arn: pulumi.Input<string>, prefix = "r") {
    const paths = Object.fromEntries(Array.from({ length: count }, (_, i) => [`/${prefix}${i}`, { get: ok }]));
    const entries = Object.fromEntries(Array.from({ length: count }, (_, i) => [`GET /${prefix}${i}`, arn]));
    return { paths, entries };
}

describe("lambdaIntegrations within a function's 20 KB resource policy", () => {
    const permissionsOf = (mocks: {
        registrations: { type: string; name: string; inputs: Record<string, unknown> }[];
    }) => mocks.registrations.filter((r) => r.type === T.permission).map((p) => [p.name, p.inputs.sourceArn]);

    it("gives a function whose operations would not fit one permission for this API's stage, others one per operation", async () => {
        const { mocks } = await freshLocalAws(false);
        const fn = itemsFunction();
        const many = manyOperations(60, fn.arn);
        const few = manyOperations(3, itemsFunction("few").arn, "s");
        const api = new SecuredRestApi("big", {
            openApiSpec: openApi3({ ...many.paths, ...few.paths }),
            stageName: "v1",
            lambdaIntegrations: { ...many.entries, ...few.entries },
        });
        await allRegistrationsSettled();
        const executionArn = await valueOf(api.executionArn);
        expect(permissionsOf(mocks)).to.deep.equal([
            // Still this API only, and its stage only: never `${executionArn}/*`.
            ["big-lambda-stage-get-r0", `${executionArn}/v1/*/*`],
            ["big-lambda-get-s0", `${executionArn}/v1/GET/s0`],
            ["big-lambda-get-s1", `${executionArn}/v1/GET/s1`],
            ["big-lambda-get-s2", `${executionArn}/v1/GET/s2`],
        ]);
        expect(api.lambdaPermissions).to.have.length(4);
        const stage = mocks.registrations.find((r) => r.type === T.permission)!.inputs;
        expect(stage).to.deep.include({ function: await valueOf(fn.arn), region: "us-west-2" });
    });

    it("sizes a string ARN by its length and an Output by the longest ARN possible; the stage one keeps its name", async () => {
        const scopes = async (arn: pulumi.Input<string>, count: number) => {
            const { mocks } = await freshLocalAws(true);
            const { paths, entries } = manyOperations(count, arn);
            new SecuredRestApi("sized", { openApiSpec: openApi3(paths), lambdaIntegrations: entries });
            await allRegistrationsSettled();
            return mocks.registrations.filter((r) => r.type === T.permission).map((p) => p.name);
        };
        expect(await scopes(ARN, 25)).to.have.length(25);
        expect(await scopes(pulumi.output(ARN), 25)).to.deep.equal(["sized-lambda-stage-get-r0"]);
        // An operation added after the first in sorted order leaves the stage permission as it was.
        expect(await scopes(pulumi.output(ARN), 26)).to.deep.equal(["sized-lambda-stage-get-r0"]);
    });

    it("keeps each function's policy within Lambda's limit as Lambda stores it, with room to replace every statement", async () => {
        const { account } = await freshLocalAws(false);
        itemsFunction("items");
        // The most operations the string ARN keeps one by one; local Lambda refuses a policy past 20,480 bytes.
        const { paths, entries } = manyOperations(29, ARN);
        const extra = manyOperations(200, itemsFunction("other").arn, "x");
        new SecuredRestApi("sized", {
            openApiSpec: openApi3({ ...paths, ...extra.paths }),
            lambdaIntegrations: { ...entries, ...extra.entries },
        });
        await allRegistrationsSettled();
        const policyOf = (name: string) =>
            Buffer.byteLength(functionPolicy(account.functions.get(name)!, account.permissions.get(name)!, undefined));
        expect(account.permissions.get("items")).to.have.length(29);
        expect(2 * policyOf("items")).to.be.at.most(MAX_FUNCTION_POLICY_BYTES);
        const other = [...account.functions.keys()].find((n) => n.startsWith("other"))!;
        expect(account.permissions.get(other)).to.have.length(1);
    });

    it("refuses, once the ARN is known (at preview for a string), a function of another account, with the fix", async () => {
        const elsewhere = "arn:aws:lambda:us-west-2:210987654321:function:items";
        const refusal = async (arn: pulumi.Input<string>, preview: boolean) => {
            const { mocks } = await freshLocalAws(preview);
            const api = new SecuredRestApi("items", { openApiSpec: ITEMS, lambdaIntegrations: everyOperation(arn) });
            const message = await valueOf(api.body).then(
                () => "",
                (e: Error) => e.message,
            );
            // Pulumi stops the program on the refused body; here what waits on the REST API just never starts.
            return { message, registered: mocks.registrations.map((r) => r.type) };
        };
        const atPreview = await refusal(elsewhere, true);
        expect(atPreview.message).to.include(
            'lambdaIntegrations["GET /items"] is a function of account 210987654321, and this stack deploys to account 123456789012',
        );
        expect(atPreview.message).to.include(
            `uri: "arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/${elsewhere}/invocations"`,
        );
        expect(atPreview.message).to.include(
            `aws lambda add-permission --region us-west-2 --function-name ${elsewhere} --action lambda:InvokeFunction --principal apigateway.amazonaws.com --statement-id <id> --source-arn <this API's executionArn>/test/*/*`,
        );
        // The REST API never gets its body, and every permission waits for the REST API.
        expect(atPreview.registered).not.to.include(T.restApi);
        const atUp = await refusal(pulumi.output(elsewhere), false);
        expect(atUp.message).to.include("is a function of account 210987654321");
        expect(atUp.registered).not.to.include(T.restApi).and.not.to.include(T.permission);
    });

    it("refuses, at pulumi up, one function given as several Outputs that together would not fit", async () => {
        await freshLocalAws(false);
        const paths = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`/r${i}`, { get: ok }]));
        const split = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`GET /r${i}`, pulumi.output(ARN)]));
        const api = new SecuredRestApi("split", { openApiSpec: openApi3(paths), lambdaIntegrations: split });
        const message = await valueOf(api.body).then(
            () => "",
            (e: Error) => e.message,
        );
        expect(message).to.include(`lambdaIntegrations gives the function ${ARN} as 40 different values`);
        expect(message).to.include("Pass the same value for every operation of the function");
    });
});

describe("specValues: {{name}} placeholders inside integrations, filled from Outputs", () => {
    const withPlaceholders = openApi3({
        "/orders": {
            get: {
                ...ok,
                description: "Mustache {{text}} outside an integration stays as it is",
                "x-amazon-apigateway-integration": {
                    type: "http_proxy",
                    httpMethod: "GET",
                    uri: "{{ordersUrl}}/orders",
                    connectionType: "VPC_LINK",
                    connectionId: "{{vpcLink}}",
                },
            },
        },
    });

    it("fills every placeholder of the body, Outputs included, and nothing outside integrations", async () => {
        await freshLocalAws(true);
        const api = new SecuredRestApi("orders", {
            openApiSpec: withPlaceholders,
            specValues: { ordersUrl: pulumi.output("https://orders.internal.example.com"), vpcLink: "abc123" },
        });
        const body = JSON.parse((await valueOf(api.body))!) as OpenApiDocument;
        const get = (body.paths as Record<string, Record<string, Record<string, unknown>>>)["/orders"].get;
        expect(get["x-amazon-apigateway-integration"]).to.deep.include({
            uri: "https://orders.internal.example.com/orders",
            connectionId: "abc123",
        });
        expect(get.description).to.equal("Mustache {{text}} outside an integration stays as it is");
        // Known at preview: filled already, so the import rules judged the real value.
        expect(api.securedBody).to.include('"connectionId":"abc123"').and.include('"uri":"{{ordersUrl}}/orders"');
    });

    it("keeps a secret value secret: the body is then a secret too", async () => {
        await freshLocalAws(true);
        const api = new SecuredRestApi("orders", {
            openApiSpec: withPlaceholders,
            specValues: { ordersUrl: pulumi.secret("https://orders.example.com"), vpcLink: "abc123" },
        });
        expect(await pulumi.isSecret(api.body)).to.equal(true);
    });
});
