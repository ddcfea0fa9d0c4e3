import * as http from "http";
import { AddressInfo } from "net";
import { expect } from "chai";
import { SecuredRestApi } from "../components";
import { clientOutputs, serveLocally } from "./helpers/localAws";
import { openApi3 } from "./helpers/specs";

/** A loopback backend that echoes what it received. */
async function echoBackend(): Promise<{ server: http.Server; url: string }> {
    const server = http.createServer((req, res) => {
        let body = "";
        req.on("data", (c: Buffer) => (body += c.toString()));
        req.on("end", () => {
            res.writeHead(207, { "Content-Type": "application/json", "X-Backend": "echo" });
            res.end(JSON.stringify({ method: req.method, url: req.url, body }));
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const responses = { "200": { description: "ok" } };

describe("local gateway integrations beyond MOCK", () => {
    it("HTTP_PROXY forwards method, path, query and body to a loopback target and returns its answer as is", async () => {
        const backend = await echoBackend();
        const spec = openApi3({
            "/files/{proxy+}": {
                "x-amazon-apigateway-any-method": {
                    parameters: [{ name: "proxy", in: "path", required: true, schema: { type: "string" } }],
                    responses,
                    "x-amazon-apigateway-integration": {
                        type: "http_proxy",
                        httpMethod: "ANY",
                        uri: `${backend.url}/store/{proxy}`,
                    },
                },
            },
            "/outside": {
                get: {
                    responses,
                    "x-amazon-apigateway-integration": {
                        type: "http_proxy",
                        httpMethod: "GET",
                        uri: "https://example.com/",
                    },
                },
            },
            "/lambda": {
                get: {
                    responses,
                    "x-amazon-apigateway-integration": {
                        type: "aws_proxy",
                        httpMethod: "POST",
                        uri: "arn:aws:apigateway:us-west-2:lambda:path/fn",
                    },
                },
            },
        });
        const { local, get } = await serveLocally(() => {
            const api = new SecuredRestApi("proxy", { openApiSpec: spec });
            return clientOutputs(api);
        });
        try {
            const proxied = await get("/files/a/b.txt?v=1");
            expect(proxied.status).to.equal(207);
            expect(proxied.headers["x-backend"]).to.equal("echo");
            expect(JSON.parse(proxied.body)).to.deep.equal({ method: "GET", url: "/store/a/b.txt?v=1", body: "" });

            const outside = await get("/outside");
            expect(outside.status).to.equal(502);
            expect(JSON.parse(outside.body)).to.deep.equal({
                message:
                    "Local mode reaches only loopback integration targets (127.0.0.1, localhost, ::1); https://example.com is not one.",
            });

            const lambda = await get("/lambda");
            expect(lambda.status).to.equal(500);
            expect(JSON.parse(lambda.body)).to.deep.equal({
                message:
                    "Local mode does not emulate integration type AWS_PROXY; it runs MOCK, HTTP and HTTP_PROXY only.",
            });
        } finally {
            await local.close();
            backend.server.close();
        }
    });
});
