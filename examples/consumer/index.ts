import * as fs from "fs";
import * as path from "path";
import { denyOutsideAccounts, SecuredRestApi } from "secured-rest-api";

const api = new SecuredRestApi("orders", {
    openApiSpec: fs.readFileSync(path.join(__dirname, "orders.openapi.yaml"), "utf8"),
    stageName: "v1",
    publicOperations: ["OPTIONS /orders"],
    resourcePolicy: [denyOutsideAccounts(["123456789012"])],
    tags: { app: "orders" },
});

export const url = api.invokeUrl;
export const region = api.region;
export const accessKeyId = api.accessKeyId;
export const secretAccessKey = api.secretAccessKey;
