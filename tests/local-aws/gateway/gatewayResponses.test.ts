import { expect } from "chai";
import { OpenApiDocument } from "../../../components/openapi/operations";
import { withGatewayResponse } from "../../../local-aws/gateway/gatewayResponses";
import * as responses from "../../../local-aws/gateway/responses";
import { GatewayResponse } from "../../../local-aws/gateway/responses";
import { integrationHeaderName, responseHeaderBlock } from "../../../local-aws/gateway/responseHeaders";
import { WireRequest } from "../../../local-aws/gateway/sigv4";

const ORIGIN = "https://app.example.com";
const corsHeaders = {
    "gatewayresponse.header.Access-Control-Allow-Origin": `'${ORIGIN}'`,
    "gatewayresponse.header.X-Echoed": "method.request.header.x-trace",
};
const document = {
    openapi: "3.0.3",
    info: { title: "t", version: "1" },
    paths: {},
    "x-amazon-apigateway-gateway-responses": {
        DEFAULT_4XX: { responseParameters: corsHeaders },
        DEFAULT_5XX: { responseParameters: corsHeaders },
        ACCESS_DENIED: { statusCode: "404", responseParameters: corsHeaders },
    },
} as unknown as OpenApiDocument;
const request: WireRequest = {
    method: "GET",
    rawPath: "/test/pets",
    rawQuery: "",
    headers: [["X-Trace", "t-1"]],
    body: Buffer.alloc(0),
};

// Every answer API Gateway makes itself, as the gateway builds it.
const MADE_BY_GATEWAY: Record<string, GatewayResponse> = {
    "missing authentication token": responses.missingAuthenticationToken(),
    "incomplete signature": responses.incompleteSignature(["Credential"], "AWS4-HMAC-SHA256"),
    "unrecognized client": responses.unrecognizedClient(),
    "expired token": responses.expiredToken(),
    "signature mismatch": responses.signatureMismatch("c", "s"),
    "access denied": responses.accessDenied("arn:aws:iam::123456789012:user/u", "arn", false),
    forbidden: responses.forbidden(),
    "integration misconfigured (500)": responses.internalServerError(),
    "integration timed out (504)": responses.integrationTimedOut(),
    "Lambda failed (502)": responses.badGatewayInternal(),
    "backend unreachable (502)": responses.badGateway("x"),
    "unsupported media type": responses.unsupportedMediaType(),
    "request too large": responses.requestTooLarge(),
};

describe("gateway responses (x-amazon-apigateway-gateway-responses) in local mode", () => {
    for (const [name, response] of Object.entries(MADE_BY_GATEWAY)) {
        it(`shape API Gateway's own answer: ${name}`, () => {
            const shaped = withGatewayResponse(document, request, response);
            expect(shaped.headers["Access-Control-Allow-Origin"]).to.equal(ORIGIN);
            expect(shaped.headers["X-Echoed"]).to.equal("t-1");
            expect(shaped.body).to.equal(response.body);
        });
    }

    it("take the entry of the answer's own type over the default (status included)", () => {
        const denied = responses.accessDenied("arn:aws:iam::123456789012:user/u", "arn", false);
        expect(withGatewayResponse(document, request, denied).status).to.equal(404);
        expect(withGatewayResponse(document, request, responses.forbidden()).status).to.equal(403);
    });

    it("never touch what an integration answered, whatever its status or headers", () => {
        const fromIntegration: GatewayResponse = {
            status: 403,
            headers: { "Content-Type": "application/json", "x-amzn-ErrorType": "AccessDeniedException" },
            body: "{}",
        };
        expect(withGatewayResponse(document, request, fromIntegration)).to.deep.equal(fromIntegration);
    });
});

describe("the header block the gateway writes", () => {
    it("keeps no framing header, from a mapping, a gateway response or an integration, and its own win in any case", () => {
        const block = responseHeaderBlock(
            {
                "Transfer-Encoding": "chunked",
                Trailer: "X-Foo",
                connection: "upgrade",
                "content-length": "1",
                "X-Amzn-RequestId": "forged",
                "X-Kept": "yes",
            },
            { "Set-Cookie": ["a=1", "b=2"], TE: ["trailers"] },
            { "Content-Length": 5, "x-amzn-RequestId": "real" },
        );
        expect({ ...block }).to.deep.equal({
            "X-Kept": "yes",
            "Set-Cookie": ["a=1", "b=2"],
            "Content-Length": 5,
            "x-amzn-RequestId": "real",
        });
    });

    it("drops or remaps what an integration answers with, as API Gateway's notes list", () => {
        expect(
            ["Trailer", "transfer-encoding", "Upgrade", "Via", "Host", "TE", "Expect"].map(integrationHeaderName),
        ).to.deep.equal([undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
        expect(["Server", "WWW-Authenticate", "Date", "X-Mine"].map(integrationHeaderName)).to.deep.equal([
            "x-amzn-Remapped-Server",
            "x-amzn-Remapped-WWW-Authenticate",
            "x-amzn-Remapped-Date",
            "X-Mine",
        ]);
    });
});
