import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { EndpointType, InvokePolicyKind, SecuredRestApi } from "./components";

// Defaults live in Pulumi.yaml's `config:` block, so `require` only fails on a deleted default.
const config = new pulumi.Config();
const specPath = path.resolve(__dirname, config.require("specPath"));
if (!fs.existsSync(specPath)) {
    throw new pulumi.RunError(
        `config specPath: ${specPath} does not exist. Set it with "pulumi config set specPath <file>".`,
    );
}

const api = new SecuredRestApi("petstore", {
    openApiSpec: fs.readFileSync(specPath, "utf8"),
    stageName: config.require("stageName"),
    invokePolicy: config.require<InvokePolicyKind>("invokePolicy"),
    endpointType: config.require<EndpointType>("endpointType"),
});

export const invokeUrl = api.invokeUrl;
export const region = api.region;
export const restApiId = api.restApiId;
export const stageName = api.stageName;
export const userArn = api.userArn;
export const accessKeyId = api.accessKeyId;
export const secretAccessKey = api.secretAccessKey;
export const operations = api.operations;
