import * as http from "http";
import { AddressInfo } from "net";
import * as path from "path";
import { expect } from "chai";
import { allowPublicOperations, ResourcePolicyStatement, SecuredRestApi } from "../../../components";
import { outputsAsJson } from "../../../local-aws/engine/runProgram";
import { RequestLogEntry } from "../../../local-aws/gateway/server";
import { LocalMode, startLocalMode } from "../../../local-aws/localMode";
import { craftSignedHeaders } from "../../helpers/craftedSigV4";
import { clientOutputs, TRANSPILED } from "../../helpers/localAws";
import { amzDate, Credentials, presignedTarget, RawAnswer, rawRequest, signedHeaders } from "../../helpers/rawHttp";
import { mockIntegration, openApi3, PROJECT_DIR } from "../../helpers/specs";

const MISMATCH = /^The request signature we calculated does not match the signature you provided\./;

/** An operation whose MOCK answer is the given template, so tests can see what the integration saw. */
const echo = (template: string, extra: Record<string, unknown> = {}) => ({
    responses: { "200": { description: "ok" } },
    "x-amazon-apigateway-integration": mockIntegration(template),
    ...extra,
});

const denyPath = (sid: string, resource: string): ResourcePolicyStatement => ({
    Sid: sid,
    Effect: "Deny",
    Principal: { AWS: ["*"] },
    Action: ["execute-api:Invoke"],
    Resource: [resource],
});

/** A loopback backend that answers with the path it was asked for. */
async function pathEcho(): Promise<{ server: http.Server; url: string }> {
    const server = http.createServer((req, res) => {
        req.resume();
        if (req.url === "/store/framing") {
            // A backend framing its answer its own way (chunked, with a trailer) and naming other hops.
            res.writeHead(200, { "Content-Type": "text/plain", Trailer: "X-Checksum", Upgrade: "h2c", Via: "1.1 b" });
            res.addTrailers({ "X-Checksum": "abc" });
            return void res.end("framed by the backend");
        }
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ path: req.url }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

let backendUrl = "";

/** One API with a resource policy of Denies and a public greedy route; one with per-operation grants. */
function program(): Record<string, unknown> {
    const strict = new SecuredRestApi("strict", {
        openApiSpec: openApi3({
            "/": { get: echo('{"root": true}') },
            "/pets": { get: echo('{"pets": true}') },
            "/pets/{petId}": {
                get: echo(`{"petId": "$util.escapeJavaScript($input.params('petId'))", "path": "$context.path"}`),
            },
            "/files/{name}": { get: echo(`{"name": "$util.escapeJavaScript($input.params('name'))"}`) },
            "/things/{constructor}": {
                get: echo(
                    `{"path": "$input.params('constructor')", "query": "$input.params('toString')", "header": "$input.params('toLocaleString')", "proto": "$input.params().querystring.get('valueOf')"}`,
                ),
            },
            "/public/{proxy+}": { "x-amazon-apigateway-any-method": echo('{"public": true}') },
            "/slow/{rest+}": { get: echo('{"slow": true}') },
            "/proxied/{proxy+}": {
                get: {
                    responses: { "200": { description: "ok" } },
                    "x-amazon-apigateway-integration": {
                        type: "http_proxy",
                        httpMethod: "GET",
                        uri: `${backendUrl}/store/{proxy}`,
                    },
                },
            },
        }),
        publicOperations: ["ANY /public/{proxy+}"],
        resourcePolicy: [
            allowPublicOperations(["ANY /public/{proxy+}"]),
            denyPath("DenyPetTwo", "execute-api:/*/GET/pets/2"),
            denyPath("DenyEncodedName", "execute-api:/*/GET/files/a%20b"),
            // Backtracks without end on a long run of "a": the evaluation must be stopped, not wait.
            denyPath("Backtracking", "execute-api:/*/GET/slow/*a*a*a*a*a*a*a*a*a*b"),
        ],
    });
    const narrow = new SecuredRestApi("narrow", {
        openApiSpec: openApi3({
            "/pets/{petId}": { get: echo('{"pet": true}') },
            "/pets/{petId}/secret": { get: echo('{"secret": true}') },
        }),
        invokeOperations: ["GET /pets/{petId}"],
    });
    const o = clientOutputs(strict);
    return {
        ...o,
        narrowInvokeUrl: narrow.invokeUrl,
        narrowAccessKeyId: narrow.accessKeyId,
        narrowSecretAccessKey: narrow.secretAccessKey,
        strictRestApiId: strict.restApiId,
    };
}

describe("local gateway: one path, strict SigV4, bounded work (issue classes found by an independent attack)", () => {
    let local: LocalMode;
    const logged: RequestLogEntry[] = [];
    let o: Record<string, string>;
    let strict: { port: number; host: string; stage: string };
    let narrow: { port: number; host: string; stage: string };
    let owner: Credentials;
    let narrowKeys: Credentials;

    const where = (invokeUrl: string) => {
        const url = new URL(invokeUrl);
        return { port: Number(url.port), host: url.host, stage: url.pathname };
    };
    const get = (api: typeof strict, target: string, who: Credentials = owner, extra: Record<string, string> = {}) =>
        rawRequest(api.port, {
            method: "GET",
            target: `${api.stage}${target}`,
            headers: signedHeaders(api.host, o.region, who, {
                method: "GET",
                target: `${api.stage}${target}`,
                headers: extra,
            }),
        });
    const errorType = (answer: RawAnswer) => answer.headers["x-amzn-errortype"];
    /** The refusal's text: `message`, or `Message` for AccessDenied. */
    const messageOf = (answer: RawAnswer) => {
        const body = JSON.parse(answer.body) as { message?: string; Message?: string };
        return body.message ?? body.Message ?? "";
    };

    let backend: { server: http.Server; url: string };
    before(async () => {
        backend = await pathEcho();
        backendUrl = backend.url;
        local = await startLocalMode({
            projectDir: PROJECT_DIR,
            program,
            log: (entry) => logged.push(entry),
            onInternalError: () => undefined,
            evaluationTimeoutMs: 500,
        });
        o = outputsAsJson(local.outputs) as Record<string, string>;
        strict = where(o.invokeUrl);
        narrow = where(o.narrowInvokeUrl);
        owner = { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey };
        narrowKeys = { accessKeyId: o.narrowAccessKeyId, secretAccessKey: o.narrowSecretAccessKey };
    });
    after(async () => {
        backend.server.close();
        await local.close();
    });

    describe("1. one decoded path for routing, the method ARN, $context and the integration", () => {
        it("a Deny on …/GET/pets/2 holds however 2 is spelled; the integration sees the decoded value", async () => {
            for (const spelling of ["2", "%32"]) {
                const answer = await get(strict, `/pets/${spelling}`);
                expect(answer.status, spelling).to.equal(403);
                expect(messageOf(answer)).to.match(/\/test\/GET\/pets\/2 with an explicit deny$/);
            }
            const allowed = await get(strict, "/pets/%31");
            expect(allowed.status).to.equal(200);
            expect(JSON.parse(allowed.body)).to.deep.equal({ petId: "1", path: "/test/pets/1" });
        });
        it("a Deny written with an encoding holds for the request spelled either way", async () => {
            for (const spelling of ["a%20b", "a%2520b".replace("%25", "%")]) {
                expect((await get(strict, `/files/${spelling}`)).status, spelling).to.equal(403);
            }
            expect(JSON.parse((await get(strict, "/files/a%2Bb")).body)).to.deep.equal({ name: "a+b" });
        });
        it("an invokeOperations Deny on …/GET/pets/*/secret holds for encoded letters and encoded slashes", async () => {
            expect((await get(narrow, "/pets/1", narrowKeys)).status).to.equal(200);
            for (const spelling of ["/pets/1/secret", "/pets/1/%73ecret", "/pets/1/secre%74"]) {
                const answer = await get(narrow, spelling, narrowKeys);
                expect(answer.status, spelling).to.equal(403);
                expect(errorType(answer), spelling).to.equal("AccessDeniedException");
            }
            // An encoded slash reads as /pets/{id} or /pets/{id}/secret: two operations, so neither is served.
            const slash = await get(narrow, "/pets/1%2Fsecret", narrowKeys);
            expect([slash.status, errorType(slash)]).to.deep.equal([403, "MissingAuthenticationTokenException"]);
        });
        it("non-ASCII segments are decoded once as UTF-8; malformed escapes and raw non-ASCII match no route", async () => {
            expect(JSON.parse((await get(strict, "/files/caf%C3%A9")).body)).to.deep.equal({ name: "café" });
            for (const bad of ["/files/%E9", "/files/%zz", "/files/%"]) {
                const answer = await get(strict, bad);
                expect(answer.status, bad).to.equal(403);
                expect(errorType(answer), bad).to.equal("MissingAuthenticationTokenException");
            }
        });
    });

    describe("the path a backend is asked for is the path that was authorized", () => {
        it("dot segments between encoded slashes name no resource; an encoded slash reaches the backend encoded", async () => {
            for (const spelling of ["a%2F..%2F..%2Fadmin", "a%2F.%2Fb", "%2F..", "a%2F%2Fb", "..%2Fx"]) {
                const answer = await get(strict, `/proxied/${spelling}`);
                expect(answer.status, spelling).to.equal(403);
                expect(errorType(answer), spelling).to.equal("MissingAuthenticationTokenException");
            }
            const kept = await get(strict, "/proxied/a%2Fb/c");
            expect(kept.status, kept.body).to.equal(200);
            expect(JSON.parse(kept.body)).to.deep.equal({ path: "/store/a%2Fb/c" });
        });
    });

    describe("2. the root resource, and evaluation errors", () => {
        it("a signed GET / is allowed by a …/test/*/* policy (the root's ARN ends in /GET/)", async () => {
            const answer = await get(strict, "/");
            expect(answer.status, answer.body).to.equal(200);
            expect(JSON.parse(answer.body)).to.deep.equal({ root: true });
        });
    });

    describe("3. no request can stall the event loop", () => {
        it("15 KB paths are refused with 414 before any signature or IAM work, signed with any key or not", async () => {
            const long = `/pets/${"a".repeat(15_000)}`;
            const answers = await Promise.all([
                ...Array.from({ length: 10 }, () => get(strict, long, narrowKeys)),
                rawRequest(strict.port, {
                    method: "GET",
                    target: `${strict.stage}/public/${"a/".repeat(7_500)}`,
                    headers: [["Host", strict.host]],
                }),
            ]);
            for (const answer of answers) expect(answer.status).to.equal(414);
        });
        it("a method ARN over 1,600 bytes is refused with 414, on secured and on public routes behind a resource policy", async () => {
            const longish = `/pets/${"b".repeat(1_600)}`;
            expect((await get(strict, longish)).status).to.equal(414);
            const publicLong = await rawRequest(strict.port, {
                method: "GET",
                target: `${strict.stage}/public/${"c".repeat(1_600)}`,
                headers: [["Host", strict.host]],
            });
            expect(publicLong.status).to.equal(414);
            const fits = await get(strict, `/pets/${"b".repeat(1_400)}`);
            expect(fits.status).to.equal(200);
        });
        it("a body over 10 MB is refused with 413 without reading it to its end, and the connection closed", async () => {
            const target = `${strict.stage}/pets`;
            const big = "x".repeat(10 * 1024 * 1024 + 1);
            const answer = await rawRequest(strict.port, {
                method: "POST",
                target,
                headers: [["Host", strict.host]],
                body: big,
            });
            expect(answer.status).to.equal(413);
            expect(answer.headers["connection"]).to.equal("close");
            expect(answer.headers["x-amzn-errortype"]).to.equal("RequestTooLargeException");
            expect(answer.body).to.equal('{"message":"Request Too Long"}');
        });
        it("header values over 10,240 bytes are refused with 431", async () => {
            const answer = await get(strict, "/pets", owner, { "X-Padding": "p".repeat(10_300) });
            expect(answer.status).to.equal(431);
            expect(answer.headers["x-amzn-requestid"]).to.match(/^[0-9a-f-]{36}$/);
        });
        it("an evaluation that backtracks is stopped at its deadline and answered 500, while other requests are answered", async () => {
            const order: string[] = [];
            const slow = get(strict, `/slow/${"a".repeat(1_300)}`).then((a) => (order.push("slow"), a));
            // A cached decision, and a new one that needs the evaluator too.
            const quick = Promise.all([get(strict, "/pets"), get(narrow, "/pets/5", narrowKeys)]).then(
                (a) => (order.push("quick"), a),
            );
            const [slowAnswer, quickAnswers] = await Promise.all([slow, quick]);
            expect(quickAnswers.map((a) => a.status)).to.deep.equal([200, 200]);
            expect(order).to.deep.equal(["quick", "slow"]);
            expect(slowAnswer.status).to.equal(500);
            expect(JSON.parse(slowAnswer.body)).to.deep.equal({ message: "Internal server error" });
            const errors = local.gateway.takeInternalErrors();
            expect(errors).to.have.length(1);
            expect(errors[0].message).to.match(/did not finish within 500 ms/);
            // The stuck worker was replaced: IAM still answers.
            expect((await get(strict, "/pets/3")).status).to.equal(200);
        });
    });

    describe("4. user-chosen names never meet JavaScript's object properties", () => {
        it("query names like constructor, toString, __proto__ keep a valid signature and reach the integration", async () => {
            const target = `${strict.stage}/things/constructor?__proto__=p&constructor=c&hasOwnProperty=h&toString=t&valueOf=v`;
            const headers = craftSignedHeaders({
                method: "GET",
                target,
                host: strict.host,
                region: o.region,
                credentials: owner,
                headers: [
                    ["hasOwnProperty", "shadowed by the query"],
                    ["toLocaleString", "header"],
                ],
            });
            const answer = await rawRequest(strict.port, { method: "GET", target, headers });
            expect(answer.status, answer.body).to.equal(200);
            expect(JSON.parse(answer.body)).to.deep.equal({
                path: "constructor",
                query: "t",
                header: "header",
                proto: "v",
            });
        });
    });

    describe("5. unsigned data cannot ride on a valid signature", () => {
        it("query-string auth parameters (any case) next to a header signature are refused", async () => {
            for (const param of [
                "X-Amz-Signature=abc",
                "x-amz-signature=abc",
                "X-AMZ-CREDENTIAL=x",
                "X-Amz-Date=20200101T000000Z",
            ]) {
                const target = `${strict.stage}/pets`;
                const headers = signedHeaders(strict.host, o.region, owner, { method: "GET", target });
                const answer = await rawRequest(strict.port, { method: "GET", target: `${target}?${param}`, headers });
                expect(answer.status, param).to.equal(403);
                expect(errorType(answer), param).to.equal("InvalidSignatureException");
                expect(messageOf(answer), param).to.match(/^Found both '|^The request signature/);
            }
            // Even signed into the request, mixing the two forms is refused.
            const target = `${strict.stage}/pets?X-Amz-Signature=abc`;
            const headers = signedHeaders(strict.host, o.region, owner, { method: "GET", target });
            const answer = await rawRequest(strict.port, { method: "GET", target, headers });
            expect(messageOf(answer)).to.equal(
                "Found both 'X-Amz-Signature' as a query-string param and 'Authorization' as HTTP header.",
            );
        });
        it("a presigned URL with a second X-Amz-Signature, or an extra lower-case one, is refused", async () => {
            const presigned = presignedTarget(strict.host, o.region, owner, "GET", `${strict.stage}/pets`);
            expect(
                (await rawRequest(strict.port, { method: "GET", target: presigned, headers: [["Host", strict.host]] }))
                    .status,
            ).to.equal(200);
            for (const extra of ["&X-Amz-Signature=0000", "&x-amz-signature=0000"]) {
                const answer = await rawRequest(strict.port, {
                    method: "GET",
                    target: presigned + extra,
                    headers: [["Host", strict.host]],
                });
                expect(answer.status, extra).to.equal(403);
                expect(errorType(answer), extra).to.equal("InvalidSignatureException");
            }
        });
    });

    describe("6. only the formats SigV4 defines", () => {
        const crafted = (extra: Partial<Parameters<typeof craftSignedHeaders>[0]>) =>
            rawRequest(strict.port, {
                method: "GET",
                target: `${strict.stage}/pets`,
                headers: craftSignedHeaders({
                    method: "GET",
                    target: `${strict.stage}/pets`,
                    host: strict.host,
                    region: o.region,
                    credentials: owner,
                    ...extra,
                }),
            });
        it("control: the crafted signer's own request is accepted, with X-Amz-Date and with an IMF-fixdate Date", async () => {
            expect((await crafted({})).status).to.equal(200);
            expect((await crafted({ dateHeader: "date" })).status).to.equal(200);
        });
        it("a SignedHeaders list unsorted or repeated is not re-sorted for the caller: refused", async () => {
            for (const listed of [
                ["x-amz-date", "host"],
                ["host", "host", "x-amz-date"],
                ["host", "x-amz-date", "host"],
            ]) {
                const answer = await crafted({ listedSignedHeaders: listed });
                expect(answer.status, listed.join(";")).to.equal(403);
                expect(messageOf(answer), listed.join(";")).to.match(MISMATCH);
            }
        });
        it("a SignedHeaders list unsorted, repeated or in upper case is refused, even when signed that way", async () => {
            for (const signed of [
                ["x-amz-date", "host"],
                ["host", "host", "x-amz-date"],
                ["Host", "X-Amz-Date"],
            ]) {
                const answer = await crafted({ signedHeaders: signed });
                expect(answer.status, signed.join(";")).to.equal(403);
                expect(errorType(answer), signed.join(";")).to.equal("InvalidSignatureException");
                if (signed[0] !== "Host") expect(messageOf(answer), signed.join(";")).to.match(MISMATCH);
            }
        });
        it("impossible X-Amz-Date values are refused, never rolled over", async () => {
            const today = amzDate().slice(0, 8);
            for (const date of [
                `${today}T470000Z`,
                `${today}T120060Z`,
                `${today}T126000Z`,
                `${today.slice(0, 6)}32T120000Z`,
            ]) {
                const answer = await crafted({ dateValue: date });
                expect(answer.status, date).to.equal(403);
                expect(messageOf(answer), date).to.equal(`Date must be in ISO-8601 'basic format'. Got '${date}'.`);
            }
        });
        it("a Date header in any form but IMF-fixdate is refused", async () => {
            const now = new Date();
            for (const date of [
                now.toISOString(),
                now.toString(),
                now.toUTCString().replace(/^\w+/, "Xyz"),
                now.toUTCString().replace(" GMT", " UTC"),
            ]) {
                const answer = await crafted({ dateHeader: "date", dateValue: date });
                expect(answer.status, date).to.equal(403);
                expect(errorType(answer), date).to.equal("InvalidSignatureException");
            }
        });
        it("X-Amz-Expires accepts decimal seconds only", async () => {
            const presigned = presignedTarget(strict.host, o.region, owner, "GET", `${strict.stage}/pets`);
            for (const expires of ["0x3C", "6e1", "%2B60", "%2060", "60.0", "0", "604801"]) {
                const target = `${presigned}&X-Amz-Expires=${expires}`;
                const answer = await rawRequest(strict.port, {
                    method: "GET",
                    target,
                    headers: [["Host", strict.host]],
                });
                expect(answer.status, expires).to.equal(403);
                expect(messageOf(answer), expires).to.equal(
                    "X-Amz-Expires must be a whole number of seconds from 1 to 604800.",
                );
            }
        });
    });

    describe("7. the signed Host must be this API's own", () => {
        it("a request signed for evil.example, or sent with that Host, is answered as an unknown host", async () => {
            const target = `${strict.stage}/pets`;
            const headers = signedHeaders("evil.example", o.region, owner, { method: "GET", target });
            const answer = await rawRequest(strict.port, { method: "GET", target, headers });
            expect(answer.status).to.equal(403);
            expect(errorType(answer)).to.equal("ForbiddenException");
            expect(answer.body).to.equal('{"message":"Forbidden"}');
        });
        it("a signature for another API's host is refused there; the API's AWS name is its own", async () => {
            const target = `${narrow.stage}/pets/1`;
            const forNarrow = signedHeaders(narrow.host, o.region, narrowKeys, { method: "GET", target });
            expect((await rawRequest(narrow.port, { method: "GET", target, headers: forNarrow })).status).to.equal(200);
            expect(errorType(await rawRequest(strict.port, { method: "GET", target, headers: forNarrow }))).to.equal(
                "ForbiddenException",
            );
            const awsName = `${o.strictRestApiId}.execute-api.${o.region}.amazonaws.com`;
            const byName = signedHeaders(awsName, o.region, owner, { method: "GET", target: `${strict.stage}/pets` });
            expect(
                (await rawRequest(strict.port, { method: "GET", target: `${strict.stage}/pets`, headers: byName }))
                    .status,
            ).to.equal(200);
        });
    });

    describe("8. malformed HTTP gets API Gateway's shape", () => {
        it("an integration's own framing (Trailer, Transfer-Encoding, Upgrade, Via) never reaches the client, nor stops the gateway", async () => {
            const framed = await get(strict, "/proxied/framing");
            expect([framed.status, framed.body]).to.deep.equal([200, "framed by the backend"]);
            for (const dropped of ["trailer", "transfer-encoding", "upgrade", "via"])
                expect(framed.headers[dropped], dropped).to.equal(undefined);
            expect(Number(framed.headers["content-length"])).to.equal(Buffer.byteLength("framed by the backend"));
            expect((await get(strict, "/pets")).status).to.equal(200);
        });

        it("framing errors and oversized headers: JSON body, error type and request id", async () => {
            const { port } = strict;
            const net = await import("net");
            const raw = (text: string) =>
                new Promise<string>((resolve, reject) => {
                    const socket = net.connect(port, "127.0.0.1");
                    let data = "";
                    socket.on("data", (c: Buffer) => (data += c.toString()));
                    socket.on("end", () => resolve(data));
                    socket.on("error", reject);
                    socket.write(text);
                });
            const framing = await raw(
                `GET /test/pets HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n`,
            );
            expect(framing).to.match(/^HTTP\/1\.1 400 Bad Request\r\n/);
            expect(framing).to.match(/\r\nx-amzn-ErrorType: BadRequestException\r\n/);
            expect(framing).to.match(/\r\nx-amzn-RequestId: [0-9a-f-]{36}\r\n/);
            expect(framing.split("\r\n\r\n")[1]).to.equal('{"message":"Bad Request"}');
            const oversized = await raw(`GET /test/pets HTTP/1.1\r\nHost: x\r\nX-Big: ${"b".repeat(70_000)}\r\n\r\n`);
            expect(oversized).to.match(/^HTTP\/1\.1 431 /);
            expect(JSON.parse(oversized.split("\r\n\r\n")[1])).to.deep.equal({
                message: "HTTP header is larger than 10240 bytes.",
            });
        });
    });

    describe("every header line, every request form", () => {
        const target = () => `${strict.stage}/pets`;
        const signedGet = () => signedHeaders(strict.host, o.region, owner, { method: "GET", target: target() });
        const fillers = (n: number): [string, string][] => Array.from({ length: n }, (_, i) => [`X-F${i}`, ""]);
        it("header lines past Node's default count are still seen: a late second Authorization or Host is refused", async () => {
            const late = [...signedGet(), ...fillers(1_100)];
            expect((await rawRequest(strict.port, { method: "GET", target: target(), headers: late })).status).to.equal(
                200,
            );
            const twoAuthorizations = await rawRequest(strict.port, {
                method: "GET",
                target: target(),
                headers: [...late, ["Authorization", "junk"]],
            });
            expect(errorType(twoAuthorizations)).to.equal("IncompleteSignatureException");
            const twoHosts = await rawRequest(strict.port, {
                method: "GET",
                target: target(),
                headers: [...late, ["Host", "evil.example"]],
            });
            expect(errorType(twoHosts)).to.equal("ForbiddenException");
        });
        it("no Host at all is answered like an unknown host, in API Gateway's shape", async () => {
            const answer = await rawRequest(strict.port, { method: "GET", target: target(), headers: [] });
            expect(answer.status).to.equal(403);
            expect(answer.body).to.equal('{"message":"Forbidden"}');
            expect(answer.headers["x-amzn-requestid"]).to.match(/^[0-9a-f-]{36}$/);
        });
        it("an absolute-form target is served, and its authority must be the signed Host", async () => {
            const absolute = `http://${strict.host}${target()}`;
            expect(
                (await rawRequest(strict.port, { method: "GET", target: absolute, headers: signedGet() })).status,
            ).to.equal(200);
            const elsewhere = `http://evil.example${target()}`;
            expect(
                errorType(await rawRequest(strict.port, { method: "GET", target: elsewhere, headers: signedGet() })),
            ).to.equal("ForbiddenException");
        });
        it("CONNECT is answered like a method no route has", async () => {
            const answer = await rawRequest(strict.port, {
                method: "CONNECT",
                target: `127.0.0.1:${strict.port}`,
                headers: [["Host", strict.host]],
            });
            expect(answer.status).to.equal(403);
            expect(errorType(answer)).to.equal("MissingAuthenticationTokenException");
        });
        it("a session-token header that is present is checked, even empty, for a long-term key", async () => {
            const headers = signedHeaders(strict.host, o.region, owner, {
                method: "GET",
                target: target(),
                headers: { "X-Amz-Security-Token": "" },
            });
            expect(errorType(await rawRequest(strict.port, { method: "GET", target: target(), headers }))).to.equal(
                "UnrecognizedClientException",
            );
        });
        it("a client that hangs up mid-body is no failure of the gateway", async () => {
            const net = await import("net");
            await new Promise<void>((resolve) => {
                const socket = net.connect(strict.port, "127.0.0.1", () => {
                    socket.write(`POST ${target()} HTTP/1.1\r\nHost: ${strict.host}\r\nContent-Length: 100\r\n\r\nabc`);
                    setTimeout(() => socket.destroy(), 50);
                });
                socket.on("close", () => resolve());
            });
            // Answered (to nobody) and logged, but not counted as the emulator's own failure.
            expect((await get(strict, "/pets")).status).to.equal(200);
            expect(local.gateway.internalErrors).to.deep.equal([]);
        });
    });

    describe("a wildcard API id in a policy is matched like any other part of the ARN", () => {
        it("a user's Deny on arn:aws:execute-api:*:*:*/test/GET/pets/* refuses it", async () => {
            const user = await local.account.provision("aws:iam/user:User", "wildcard", {});
            const group = [...local.account.groups.keys()].find((g) => g.startsWith("strict"))!;
            await local.account.provision("aws:iam/userGroupMembership:UserGroupMembership", "wildcard", {
                user: user.id,
                groups: [group],
            });
            await local.account.provision("aws:iam/userPolicy:UserPolicy", "wildcard", {
                user: user.id,
                policy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Deny",
                            Action: "execute-api:Invoke",
                            Resource: "arn:aws:execute-api:*:*:*/test/GET/pets/*",
                        },
                    ],
                }),
            });
            const key = await local.account.provision("aws:iam/accessKey:AccessKey", "wildcard", { user: user.id });
            const who = { accessKeyId: key.id, secretAccessKey: String(key.state.secret) };
            expect((await get(strict, "/pets", who)).status).to.equal(200);
            const denied = await get(strict, "/pets/3", who);
            expect(denied.status).to.equal(403);
            expect(messageOf(denied)).to.match(/with an explicit deny$/);
        });
    });

    describe("the request log", () => {
        it("one line per request, with the caller, and for every AccessDenied the statement that denied", async () => {
            logged.length = 0;
            await get(strict, "/pets/2");
            await get(narrow, "/pets/1/secret", narrowKeys);
            await get(narrow, "/pets/1", owner);
            await rawRequest(strict.port, {
                method: "GET",
                target: `${strict.stage}/pets`,
                headers: [["Host", strict.host]],
            });
            expect(logged.map((e) => [e.status, e.errorType])).to.deep.equal([
                [403, "AccessDeniedException"],
                [403, "AccessDeniedException"],
                [403, "AccessDeniedException"],
                [403, "MissingAuthenticationTokenException"],
            ]);
            expect(logged[0].reason).to.match(/^"DenyPetTwo" \(statement 1\) of the resource policy denies/);
            expect(logged[1].reason).to.match(
                /^"DenyOperationsNotGranted" \(statement 0\) of identity policy arn:aws:iam::123456789012:policy\/narrow-/,
            );
            expect(logged[2].reason).to.match(
                /^no statement allows execute-api:Invoke on arn:aws:execute-api:us-west-2:123456789012:[a-z0-9]+\/test\/GET\/pets\/1/,
            );
            expect(logged[3].caller).to.equal("anonymous");
            expect(logged[0].caller).to.match(/^arn:aws:iam::123456789012:user\/strict-/);
            const text = JSON.stringify(logged);
            for (const secret of [owner.secretAccessKey, owner.accessKeyId, narrowKeys.secretAccessKey])
                expect(text).not.to.include(secret);
        });
    });

    it("the two-API fixture: keys of one API signed for its host are refused by the other's host", async () => {
        const twoApis = await startLocalMode({
            projectDir: path.join(PROJECT_DIR, "tests/fixtures/twoApis"),
            stack: "managed",
            ...TRANSPILED,
        });
        try {
            const t = outputsAsJson(twoApis.outputs) as Record<string, string>;
            const first = where(t.firstInvokeUrl);
            const second = where(t.secondInvokeUrl);
            const target = `${second.stage}/pets/1`;
            const keys = { accessKeyId: t.firstAccessKeyId, secretAccessKey: t.firstSecretAccessKey };
            const forFirst = signedHeaders(first.host, t.region, keys, { method: "GET", target });
            const answer = await rawRequest(second.port, { method: "GET", target, headers: forFirst });
            expect(errorType(answer)).to.equal("ForbiddenException");
            const forSecond = signedHeaders(second.host, t.region, keys, { method: "GET", target });
            expect((await rawRequest(second.port, { method: "GET", target, headers: forSecond })).status).to.equal(200);
        } finally {
            await twoApis.close();
        }
    });
});
