import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { allowPublicOperations, denyOutsideAccounts, SecuredRestApi } from "secured-rest-api";

// The only account whose principals may call the API (set it with `pulumi config set accountId <id>`).
const accountId = new pulumi.Config().require("accountId");
const publicOperations = ["OPTIONS /orders"]; // the CORS preflight: browsers send it unsigned

const api = new SecuredRestApi("orders", {
    openApiSpec: fs.readFileSync(path.join(__dirname, "orders.openapi.yaml"), "utf8"),
    stageName: "v1",
    publicOperations,
    // With any resource policy, API Gateway evaluates it for public operations too: they need an Allow.
    resourcePolicy: [allowPublicOperations(publicOperations), denyOutsideAccounts([accountId])],
    tags: { app: "orders" },
});

export const invokeUrl = api.invokeUrl;
export const region = api.region;
export const accessKeyId = api.accessKeyId;
export const secretAccessKey = api.secretAccessKey;
export const operations = api.operations; // what npm run smoke proves, operation by operation
