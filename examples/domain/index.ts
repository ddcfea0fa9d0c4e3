import * as fs from "fs";
import * as path from "path";
import { SecuredRestApi } from "secured-rest-api";

// The pet store behind a custom domain with mutual TLS: clients present a certificate the truststore
// trusts, and sign https://api.example.com/v1/…; the default execute-api endpoint is off (with mutualTls
// it defaults to off). On AWS, use your own domain, an ACM certificate of the stack's region that covers
// it, and an S3 object holding your truststore.
const api = new SecuredRestApi("petstore-domain", {
    openApiSpec: fs.readFileSync(path.join(__dirname, "../../api/petstore.openapi.yaml"), "utf8"),
    domain: {
        domainName: "api.example.com",
        certificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/0e8c1a47-5b2d-4f4e-9a53-7d1e2f6a9b10",
        basePath: "v1",
        mutualTls: { truststoreUri: "s3://my-truststore-bucket/truststore.pem" },
    },
});

export const domainUrl = api.domainUrl;
export const domainTarget = api.domainTarget;
export const invokeUrl = api.invokeUrl;
export const disableExecuteApiEndpoint = api.disableExecuteApiEndpoint;
export const region = api.region;
export const accessKeyId = api.accessKeyId;
export const secretAccessKey = api.secretAccessKey;
export const operations = api.operations;
