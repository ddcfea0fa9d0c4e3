import * as http from "http";
import { AddressInfo } from "net";
import { expect } from "chai";
import { SecuredRestApi } from "../../../components";
import { clientOutputs, serveLocally } from "../../helpers/localAws";
import { openApi3 } from "../../helpers/specs";

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
            "/queue": {
                get: {
                    responses,
                    "x-amazon-apigateway-integration": {
                        type: "aws",
                        httpMethod: "POST",
                        uri: "arn:aws:apigateway:us-west-2:sqs:path/123456789012/orders",
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

            const queue = await get("/queue");
            expect(queue.status).to.equal(500);
            expect(JSON.parse(queue.body)).to.deep.equal({
                message:
                    "Local mode does not emulate AWS integrations with arn:aws:apigateway:us-west-2:sqs:path/123456789012/orders; it runs Lambda function invocations (arn:…:apigateway:<region>:lambda:path/2015-03-31/functions/<function ARN>/invocations).",
            });
        } finally {
            await local.close();
            backend.server.close();
        }
    });
});
