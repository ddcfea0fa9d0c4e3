import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { createSignedFetch } from "../../../clients";
import { SecuredRestApi } from "../../../components";
import { outputsAsJson } from "../../../local-aws/engine/runProgram";
import { PermissionRecord } from "../../../local-aws/engine/account";
import { arnLike, permitted } from "../../../local-aws/gateway/lambdaIntegration";
import { RequestLogEntry } from "../../../local-aws/gateway/server";
import { LocalMode, startLocalMode } from "../../../local-aws/localMode";
import { clientOutputs, serveLocally, TRANSPILED } from "../../helpers/localAws";
import { rawRequest, signedHeaders } from "../../helpers/rawHttp";
import { PROJECT_DIR } from "../../helpers/specs";

interface Echoed {
    event: {
        resource: string;
        path: string;
        httpMethod: string;
        headers: Record<string, string>;
        multiValueHeaders: Record<string, string[]>;
        queryStringParameters: Record<string, string> | null;
        multiValueQueryStringParameters: Record<string, string[]> | null;
        pathParameters: Record<string, string> | null;
        stageVariables: Record<string, string> | null;
        requestContext: Record<string, unknown> & { identity: Record<string, string | null> };
        body: string | null;
        isBase64Encoded: boolean;
    };
    context: { functionName: string; awsRequestId: string; memoryLimitInMB: string; remainingMs: number };
    greeting: string;
    region: string;
    home: string | null;
}

const INTERNAL_ERROR = { message: "Internal server error" };

// tests/fixtures/programs/lambdaApi.ts: `echo` (a folder), `misbehave` (a CallbackFunction, timeout 1 s), `leaky`.
describe("Lambda functions in local mode: the gateway runs the program's handlers", () => {
    let local: LocalMode;
    let outputs: { invokeUrl: string; region: string; accessKeyId: string; secretAccessKey: string; userArn: string };
    const logged = new Map<string, RequestLogEntry>();
    const functionLines: string[] = [];
    let call: ReturnType<typeof createSignedFetch>;
    before(async () => {
        local = await startLocalMode({
            projectDir: PROJECT_DIR,
            program: "tests/fixtures/programs/lambdaApi.ts",
            log: (entry) => logged.set(entry.requestId, entry),
            functionLog: (line) => functionLines.push(line),
            ...TRANSPILED,
        });
        outputs = outputsAsJson(local.outputs) as typeof outputs;
        call = createSignedFetch(outputs);
    });
    after(() => local.close());

    const reasonOf = (response: Response) => logged.get(response.headers.get("x-amzn-requestid")!)?.reason ?? "";
    const echoed = async (response: Response) => (await response.json()) as Echoed;

    it("hands a signed GET to the function with API Gateway's proxy event: the caller's identity, query, headers", async () => {
        const url = new URL(outputs.invokeUrl);
        const target = `${url.pathname}/items?tag=a&tag=b&page=2`;
        const headers = signedHeaders(url.host, outputs.region, outputs, { method: "GET", target });
        const answer = await rawRequest(Number(url.port), {
            method: "GET",
            target,
            headers: [...headers, ["X-Repeated", "one"], ["X-Repeated", "two"], ["User-Agent", "lambda-test"]],
        });
        expect(answer.status).to.equal(200);
        const { event, context, greeting, region, home } = JSON.parse(answer.body) as Echoed;
        expect(event).to.include({
            resource: "/items",
            path: "/items",
            httpMethod: "GET",
            body: null,
            isBase64Encoded: false,
        });
        expect(event.queryStringParameters).to.deep.equal({ tag: "b", page: "2" });
        expect(event.multiValueQueryStringParameters).to.deep.equal({ tag: ["a", "b"], page: ["2"] });
        expect(event.headers["X-Repeated"]).to.equal("two");
        expect(event.multiValueHeaders["X-Repeated"]).to.deep.equal(["one", "two"]);
        expect(event.headers["X-Forwarded-Proto"]).to.equal("https");
        expect(event.pathParameters).to.equal(null);
        expect(event.stageVariables).to.equal(null);
        const userName = outputs.userArn.split("/").pop()!;
        const user = local.account.users.get(userName)!;
        expect(event.requestContext.identity).to.deep.include({
            userArn: outputs.userArn,
            accessKey: outputs.accessKeyId,
            accountId: "123456789012",
            caller: user.uniqueId,
            user: user.uniqueId,
            sourceIp: "127.0.0.1",
            userAgent: "lambda-test",
        });
        expect(event.requestContext).to.include({
            stage: "test",
            resourcePath: "/items",
            httpMethod: "GET",
            path: "/test/items",
            accountId: "123456789012",
            requestId: answer.headers["x-amzn-requestid"],
        });
        expect(context.functionName).to.match(/^echo-/);
        expect(context.memoryLimitInMB).to.equal("128");
        expect(context.remainingMs).to.be.within(1, 3000);
        // Its own environment variables and Lambda's, never the gateway's.
        expect({ greeting, region, home }).to.deep.equal({
            greeting: "hello from echo",
            region: "us-west-2",
            home: null,
        });
    });

    it("maps the function's response as API Gateway does: status, headers and multi-value headers", async () => {
        const response = await call("/items?status=201");
        expect(response.status).to.equal(201);
        expect(response.headers.get("x-echo")).to.equal("yes");
        expect(response.headers.getSetCookie()).to.deep.equal(["first=1", "second=2"]);
    });

    it("passes path parameters decoded, ANY with a greedy {proxy+}, and the body", async () => {
        const item = await echoed(await call("/items/a%20b"));
        expect(item.event).to.include({ resource: "/items/{itemId}", path: "/items/a b" });
        expect(item.event.pathParameters).to.deep.equal({ itemId: "a b" });
        const file = await echoed(await call("/files/x/y/z.txt", { method: "DELETE" }));
        expect(file.event).to.include({ resource: "/files/{proxy+}", httpMethod: "DELETE" });
        expect(file.event.pathParameters).to.deep.equal({ proxy: "x/y/z.txt" });
        const posted = await echoed(
            await call("/items", {
                method: "POST",
                headers: { "Content-Type": "application/json" },
                body: '{"name":"x"}',
            }),
        );
        expect(posted.event).to.include({ httpMethod: "POST", body: '{"name":"x"}', isBase64Encoded: false });
    });

    it("refuses unsigned calls before any function runs, and answers the public health check", async () => {
        const unsigned = await fetch(`${outputs.invokeUrl}/items`);
        expect(unsigned.status).to.equal(403);
        expect(unsigned.headers.get("x-amzn-errortype")).to.equal("MissingAuthenticationTokenException");
        const health = await fetch(`${outputs.invokeUrl}/health`);
        expect(await health.json()).to.deep.equal({ healthy: true });
    });

    it("runs a CallbackFunction's serialised closure; a non-proxy (aws) integration maps its request and response", async () => {
        const ok = await call("/misbehave/ok");
        expect(((await ok.json()) as { mode: string }).mode).to.equal("ok");
        const custom = await call("/custom", {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: '{"name":"n","ignored":true}',
        });
        const result = (await custom.json()) as { statusCode: number; body: string };
        expect(result.statusCode).to.equal(200);
        expect((JSON.parse(result.body) as Echoed).event).to.deep.equal({ name: "n" });
    });

    it("answers 500 when no aws.lambda.Permission lets API Gateway invoke the function, and logs why", async () => {
        const response = await call("/unpermitted");
        expect(response.status).to.equal(500);
        expect(await response.json()).to.deep.equal(INTERNAL_ERROR);
        expect(reasonOf(response)).to.match(
            /Invalid permissions on Lambda function echo-\S+: .*\/test\/GET\/unpermitted$/,
        );
    });

    it("drops or remaps a handler's framing and hop-by-hop headers, as API Gateway does, and refuses a 1xx", async () => {
        const framed = await call("/misbehave/framing");
        expect([framed.status, await framed.text()]).to.deep.equal([200, "framed"]);
        for (const dropped of ["trailer", "transfer-encoding", "upgrade", "via"])
            expect(framed.headers.get(dropped), dropped).to.equal(null);
        expect(framed.headers.get("x-amzn-remapped-server")).to.equal("mine");
        expect(framed.headers.get("x-amzn-requestid")).to.match(/^[0-9a-f-]{36}$/);
        const informational = await call("/misbehave/informational");
        expect(informational.status).to.equal(502);
        expect(reasonOf(informational)).to.include("statusCode 101 is not the status of a final HTTP response");
    });

    it("answers 502 for a handler that throws or returns a malformed response, and logs why", async () => {
        const thrown = await call("/misbehave/throw");
        expect([thrown.status, await thrown.json()]).to.deep.equal([502, INTERNAL_ERROR]);
        expect(reasonOf(thrown)).to.include("customer function error: Error: misbehaving on purpose");
        const malformed = await call("/misbehave/malformed");
        expect([malformed.status, await malformed.json()]).to.deep.equal([502, INTERNAL_ERROR]);
        expect(reasonOf(malformed)).to.include("Malformed Lambda proxy response (body must be a string");
        // A header HTTP cannot carry is refused, never written half-way into the gateway's answer.
        const split = await call("/misbehave/split");
        expect([split.status, split.headers.getSetCookie()]).to.deep.equal([502, []]);
        expect(reasonOf(split)).to.include('the header "X-Split" cannot be sent over HTTP');
    });

    it("answers 504 past the integration's timeout (timeoutInMillis), and logs it", async () => {
        const slow = await call("/slow");
        expect([slow.status, await slow.json()]).to.deep.equal([504, { message: "Endpoint request timed out" }]);
        expect(reasonOf(slow)).to.include("within the integration timeout (300 ms)");
    });

    it("isolates handlers: one that loops, crashes or leaks gets a 502 while the gateway and the others go on", async () => {
        const settled = new Set<string>();
        const failing = ["/misbehave/spin", "/misbehave/crash", "/leak"].map((path) =>
            call(path).then((response) => (settled.add(path), response)),
        );
        // Answered while the spinning one still holds its environment (it runs for its whole second).
        const [health, items] = await Promise.all([fetch(`${outputs.invokeUrl}/health`), call("/items")]);
        expect([health.status, items.status]).to.deep.equal([200, 200]);
        expect(settled.has("/misbehave/spin"), "the loop had finished before the others were answered").to.equal(false);
        const [spin, crash, leak] = await Promise.all(failing);
        for (const response of [spin, crash, leak]) expect(response.status).to.equal(502);
        expect(reasonOf(spin)).to.include("Task timed out after 1.00 seconds");
        expect(reasonOf(crash)).to.include("Runtime exited with error: exit status 3");
        expect(reasonOf(leak)).to.match(
            /Runtime exited with error: .*out of memory\? the heap is limited to memorySize, 128 MB/,
        );
        // The next invocation gets a fresh environment.
        expect((await call("/misbehave/ok")).status).to.equal(200);
        expect(local.gateway.internalErrors).to.deep.equal([]);
    });
});

describe("a function's permissions in local mode: one per operation, or one for the stage past its 20 KB policy", () => {
    let served: Awaited<ReturnType<typeof serveLocally>>;
    let names: { many: string; few: string };
    before(async () => {
        served = await serveLocally(() => {
            const role = new aws.iam.Role("scaled", {
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
                    ],
                }),
            });
            const handler = (name: string) =>
                new aws.lambda.Function(name, {
                    runtime: "nodejs20.x",
                    handler: "index.handler",
                    role: role.arn,
                    code: new pulumi.asset.AssetArchive({
                        "index.js": new pulumi.asset.StringAsset(
                            "exports.handler = async (event) => ({ statusCode: 200, body: event.resource });",
                        ),
                    }),
                });
            const many = handler("many");
            const few = handler("few");
            const ok = { responses: { "200": { description: "ok" } } };
            const paths: Record<string, unknown> = {};
            const lambdaIntegrations: Record<string, pulumi.Input<string>> = {};
            for (let i = 0; i < 60; i++) [paths[`/r${i}`], lambdaIntegrations[`GET /r${i}`]] = [{ get: ok }, many.arn];
            for (let i = 0; i < 3; i++) [paths[`/s${i}`], lambdaIntegrations[`GET /s${i}`]] = [{ get: ok }, few.arn];
            const api = new SecuredRestApi("scaled", {
                openApiSpec: { openapi: "3.0.3", info: { title: "Scaled", version: "1" }, paths },
                lambdaIntegrations,
            });
            return { ...clientOutputs(api), executionArn: api.executionArn, many: many.name, few: few.name };
        });
        names = served.outputs as unknown as typeof names;
    });
    after(() => served.local.close());

    it("runs every Lambda-backed operation, its function granted for the stage or per operation", async () => {
        for (const path of ["/r0", "/r31", "/r59", "/s0", "/s2"]) {
            const answer = await served.get(path);
            expect([answer.status, answer.body], path).to.deep.equal([200, path]);
        }
        const executionArn = served.outputs.executionArn as string;
        const sourceArns = (name: string) => served.local.account.permissions.get(name)!.map((p) => p.sourceArn);
        expect(sourceArns(names.many)).to.deep.equal([`${executionArn}/test/*/*`]);
        expect(sourceArns(names.few)).to.deep.equal([0, 1, 2].map((i) => `${executionArn}/test/GET/s${i}`));
    });
});

describe("a function's permissions, as Lambda evaluates an aws.lambda.Permission for API Gateway", () => {
    const api = "arn:aws:execute-api:us-west-2:123456789012:abc123";
    const grant = (extra: Partial<PermissionRecord> = {}): PermissionRecord => ({
        statementId: "s",
        functionName: "items",
        qualifier: undefined,
        action: "lambda:InvokeFunction",
        principal: "apigateway.amazonaws.com",
        sourceArn: `${api}/*/GET/items/*`,
        sourceAccount: undefined,
        ...extra,
    });

    it("matches AWS:SourceArn with ArnLike: * spans / within the resource, never a colon-separated part", () => {
        expect(arnLike(`${api}/*/GET/items/*`, `${api}/test/GET/items/42/parts`)).to.equal(true);
        expect(arnLike(`${api}/*/GET/items/*`, `${api}/test/POST/items/42`)).to.equal(false);
        expect(arnLike(`${api}/*/GET/`, `${api}/test/GET/`)).to.equal(true);
        expect(arnLike(`${api}/*/GET/`, `${api}/test/GET/items`)).to.equal(false);
        expect(arnLike("arn:aws:execute-api:*:123456789012:abc123/*", `${api}/test/GET/`)).to.equal(true);
        expect(arnLike("arn:aws:execute-api:us-*", `${api}/test/GET/`)).to.equal(false);
    });

    it("holds a permission to its API, stage, verb and path, case included, as ArnLike does", () => {
        const perOperation = [grant({ sourceArn: `${api}/test/GET/items` })];
        const stage = [grant({ sourceArn: `${api}/test/*/*` })];
        const from = (statements: PermissionRecord[], arn: string) =>
            permitted(statements, undefined, arn, "123456789012");
        expect(from(perOperation, `${api}/test/GET/items`)).to.equal(true);
        for (const other of [
            `${api}/prod/GET/items`,
            `${api}/test/POST/items`,
            `${api}/test/get/items`,
            `${api}/test/GET/items/1`,
            `${api}/test/GET/Items`,
            "arn:aws:execute-api:us-west-2:123456789012:xyz789/test/GET/items",
        ])
            expect(from(perOperation, other), other).to.equal(false);
        for (const inStage of [`${api}/test/GET/`, `${api}/test/DELETE/files/a/b`])
            expect(from(stage, inStage), inStage).to.equal(true);
        for (const outside of [
            `${api}/prod/GET/`,
            `${api}/TEST/GET/`,
            `${api}/test-invoke-stage/GET/`,
            "arn:aws:execute-api:us-west-2:123456789012:xyz789/test/GET/",
            "arn:aws:execute-api:eu-west-1:123456789012:abc123/test/GET/",
        ])
            expect(from(stage, outside), outside).to.equal(false);
    });

    it("needs the action, the principal, the source account and the qualifier to match too", () => {
        const arn = `${api}/test/GET/items/1`;
        expect(permitted([grant()], undefined, arn, "123456789012")).to.equal(true);
        expect(permitted([grant({ principal: "s3.amazonaws.com" })], undefined, arn, "123456789012")).to.equal(false);
        expect(permitted([grant({ action: "lambda:GetFunction" })], undefined, arn, "123456789012")).to.equal(false);
        expect(permitted([grant({ sourceAccount: "210987654321" })], undefined, arn, "123456789012")).to.equal(false);
        expect(permitted([grant({ qualifier: "live" })], undefined, arn, "123456789012")).to.equal(false);
        expect(permitted([grant({ sourceArn: `${api}/*/GET/other` })], undefined, arn, "123456789012")).to.equal(false);
    });
});
