import * as path from "path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SecuredRestApi } from "secured-rest-api";

// The function's role: Lambda may assume it, and it may write the function's logs.
const role = new aws.iam.Role("items", {
    assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
});
new aws.iam.RolePolicyAttachment("items-logs", {
    role: role.name,
    policyArn: aws.iam.ManagedPolicy.AWSLambdaBasicExecutionRole,
});

// Node.js, its code the app/ folder next to this file.
const handler = new aws.lambda.Function("items", {
    runtime: aws.lambda.Runtime.NodeJS22dX,
    handler: "index.handler",
    code: new pulumi.asset.FileArchive(path.join(__dirname, "app")),
    role: role.arn,
});

// GET and POST /items from the function, both behind SigV4; the component writes the integrations and
// one aws.lambda.Permission per operation.
const api = new SecuredRestApi("items", {
    openApiSpec: {
        openapi: "3.0.3",
        info: { title: "Items", version: "1" },
        paths: {
            "/items": {
                get: { responses: { "200": { description: "The items, and who asked" } } },
                post: { responses: { "201": { description: "The item added" } } },
            },
        },
    },
    lambdaIntegrations: { "GET /items": handler.arn, "POST /items": handler.arn },
});

export const invokeUrl = api.invokeUrl;
export const region = api.region;
export const accessKeyId = api.accessKeyId;
export const secretAccessKey = api.secretAccessKey;
export const operations = api.operations;
