// The benchmark's baseline: the same resources as index.ts, declared with raw @pulumi/aws and no
// component logic (no validation, no securing, no checks), to measure what SecuredRestApi costs.
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";

const config = new pulumi.Config();
const body = JSON.stringify(
    YAML.parse(fs.readFileSync(path.resolve(__dirname, "../..", config.require("specPath")), "utf8")),
);
const stageName = config.require("stageName");

const restApi = new aws.apigateway.RestApi("petstore", {
    body,
    putRestApiMode: "overwrite",
    endpointConfiguration: { types: "REGIONAL" },
});
const deployment = new aws.apigateway.Deployment("petstore", {
    restApi: restApi.id,
    triggers: { redeployment: createHash("sha256").update(body).digest("hex") },
});
const stage = new aws.apigateway.Stage("petstore", { restApi: restApi.id, deployment: deployment.id, stageName });
new aws.apigateway.MethodSettings("petstore", {
    restApi: restApi.id,
    stageName: stage.stageName,
    methodPath: "*/*",
    settings: { throttlingRateLimit: 100, throttlingBurstLimit: 200 },
});
const group = new aws.iam.Group("petstore", {});
const policy = new aws.iam.Policy("petstore", {
    policy: stage.executionArn.apply((arn) =>
        JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "execute-api:Invoke", Resource: `${arn}/*/*` }],
        }),
    ),
});
new aws.iam.GroupPolicyAttachment("petstore", { group: group.name, policyArn: policy.arn });
const user = new aws.iam.User("petstore", {});
new aws.iam.UserGroupMembership("petstore", { user: user.name, groups: [group.name] });
const key = new aws.iam.AccessKey("petstore", { user: user.name });

export const invokeUrl = stage.invokeUrl;
export const region = aws.getRegionOutput().region;
export const restApiId = restApi.id;
export const userArn = user.arn;
export const accessKeyId = pulumi.secret(key.id);
export const secretAccessKey = pulumi.secret(key.secret);
