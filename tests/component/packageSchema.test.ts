import { expect } from "chai";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { SecuredRestApi } from "../../components";
import { packageSchema, serveSecretOutputsAsSecret } from "../../components/packageSchema";
import { PROJECT_DIR } from "../helpers/specs";

interface SchemaProperty {
    type?: string;
    $ref?: string;
    description?: string;
    secret?: boolean;
    plain?: boolean;
    items?: SchemaProperty;
}
interface Schema {
    name: string;
    resources: Record<
        string,
        {
            isComponent: boolean;
            inputProperties: Record<string, SchemaProperty>;
            requiredInputs?: string[];
            properties: Record<string, SchemaProperty>;
        }
    >;
    types: Record<string, { type: string; enum?: { value: string }[]; properties?: Record<string, SchemaProperty> }>;
}

describe("the package schema other languages get (Pulumi's analyzer over the component)", function () {
    this.timeout(60_000);
    let schema: Schema;
    // One analysis for the whole file (it takes seconds): the provider keeps the schema it analysed.
    const provider = new ComponentProvider({
        components: [SecuredRestApi],
        name: "secured-rest-api",
        dirname: PROJECT_DIR,
    });
    before(async () => {
        schema = JSON.parse(await packageSchema(PROJECT_DIR, provider)) as Schema;
    });
    const component = () => schema.resources["secured-rest-api:index:SecuredRestApi"];

    it("names the package and the component by its type token", () => {
        expect(schema.name).to.equal("secured-rest-api");
        expect(Object.keys(schema.resources)).to.deep.equal(["secured-rest-api:index:SecuredRestApi"]);
        expect(component().isComponent).to.equal(true);
    });

    it("has every input with its type and description; openApiSpec alone is required", () => {
        const inputs = component().inputProperties;
        const expected: Record<string, string> = {
            openApiSpec: "pulumi.json#/Any",
            stageName: "string",
            invokePolicy: "#/types/secured-rest-api:index:InvokePolicyKind",
            publicOperations: "array",
            invokeOperations: "array",
            endpointType: "#/types/secured-rest-api:index:EndpointType",
            resourcePolicy: "array",
            disableExecuteApiEndpoint: "boolean",
            throttle: "#/types/secured-rest-api:index:ThrottleSettings",
            executionLoggingLevel: "#/types/secured-rest-api:index:ExecutionLoggingLevel",
            executionLogRetentionInDays: "number",
            tracingEnabled: "boolean",
            accessLog: "#/types/secured-rest-api:index:AccessLogArgs",
            accessKeys: "array",
            failOnWarnings: "boolean",
            restApiName: "string",
            description: "string",
            tags: "object",
            createUser: "boolean",
            grants: "array",
            crossAccountGrants: "array",
            role: "#/types/secured-rest-api:index:InvokeRoleArgs",
            identityPool: "#/types/secured-rest-api:index:IdentityPoolArgs",
            cors: "#/types/secured-rest-api:index:CorsArgs",
            lambdaIntegrations: "object",
            specValues: "object",
            domain: "#/types/secured-rest-api:index:DomainArgs",
            webAclArn: "string",
        };
        expect(Object.keys(inputs).sort()).to.deep.equal(Object.keys(expected).sort());
        for (const [name, type] of Object.entries(expected)) {
            expect(inputs[name].type ?? inputs[name].$ref, name).to.equal(type);
            expect(inputs[name].description, `${name} has a description`).to.be.a("string").and.not.equal("");
        }
        expect(component().requiredInputs).to.deep.equal(["openApiSpec"]);
        expect(schema.types["secured-rest-api:index:InvokePolicyKind"].enum!.map((e) => e.value)).to.deep.equal([
            "scoped",
            "managed",
        ]);
        expect(schema.types["secured-rest-api:index:EndpointType"].enum!.map((e) => e.value)).to.deep.equal([
            "REGIONAL",
            "EDGE",
            "PRIVATE",
        ]);
    });

    it("has the custom domain's inputs: the domain name alone required, enums for its endpoint type and TLS policy", () => {
        const domain = schema.types["secured-rest-api:index:DomainArgs"] as Schema["types"][string] & {
            required?: string[];
        };
        const properties = domain.properties!;
        expect(Object.keys(properties).sort()).to.deep.equal([
            "basePath",
            "certificateArn",
            "domainName",
            "endpointType",
            "hostedZoneId",
            "mutualTls",
            "securityPolicy",
        ]);
        for (const [name, property] of Object.entries(properties))
            expect(property.description, `domain.${name} has a description`).to.be.a("string").and.not.equal("");
        expect(domain.required).to.deep.equal(["domainName"]);
        expect(properties.endpointType.$ref).to.equal("#/types/secured-rest-api:index:DomainEndpointType");
        expect(properties.securityPolicy.$ref).to.equal("#/types/secured-rest-api:index:DomainSecurityPolicy");
        expect(properties.mutualTls.$ref).to.equal("#/types/secured-rest-api:index:MutualTlsArgs");
        expect(schema.types["secured-rest-api:index:DomainEndpointType"].enum!.map((e) => e.value)).to.deep.equal([
            "REGIONAL",
            "EDGE",
        ]);
        expect(schema.types["secured-rest-api:index:DomainSecurityPolicy"].enum!.map((e) => e.value)).to.deep.equal([
            "TLS_1_2",
            "TLS_1_0",
        ]);
        const mutualTls = schema.types["secured-rest-api:index:MutualTlsArgs"] as {
            properties: Record<string, SchemaProperty>;
            required?: string[];
        };
        expect(Object.keys(mutualTls.properties).sort()).to.deep.equal(["truststoreUri", "truststoreVersion"]);
        expect(mutualTls.required).to.deep.equal(["truststoreUri"]);
    });

    it("has the outputs, the credentials marked secret and nothing else", () => {
        const outputs = component().properties;
        for (const name of [
            "restApiId",
            "stageName",
            "invokeUrl",
            "executionArn",
            "region",
            "groupName",
            "policyArn",
            "userName",
            "userArn",
            "accessKeyId",
            "secretAccessKey",
            "roleArn",
            "identityPoolId",
            "authenticatedRoleArn",
            "unauthenticatedRoleArn",
            "domainUrl",
            "domainTarget",
            "domainTargetZoneId",
        ]) {
            expect(outputs[name]?.type, name).to.equal("string");
            expect(outputs[name].secret === true, `${name} secret`).to.equal(
                name === "accessKeyId" || name === "secretAccessKey",
            );
        }
        expect(outputs.disableExecuteApiEndpoint.type).to.equal("boolean");
        expect(outputs.operations.type).to.equal("array");
        expect(outputs.operations.items?.$ref).to.equal("#/types/secured-rest-api:index:DeployedOperation");
        expect(outputs.operations.secret).to.equal(undefined);
        const operation = schema.types["secured-rest-api:index:DeployedOperation"];
        expect(Object.keys(operation.properties!).sort()).to.deep.equal(["authorization", "path", "verb"]);
        expect(outputs.crossAccountPolicies.items?.$ref).to.equal("#/types/secured-rest-api:index:CrossAccountPolicy");
        // With createUser: false (or without role, identityPool) these do not exist, so no SDK may require them.
        const required = (component() as unknown as { required: string[] }).required;
        for (const optional of [
            "userName",
            "userArn",
            "accessKeyId",
            "secretAccessKey",
            "roleArn",
            "identityPoolId",
            "domainUrl",
            "domainTarget",
        ])
            expect(required, optional).not.to.include(optional);
    });

    it("is what the provider host serves (provider.ts patches ComponentProvider the same way)", async () => {
        serveSecretOutputsAsSecret();
        const served = JSON.parse(await provider.getSchema()) as Schema;
        expect(served).to.deep.equal(schema);
    });
});
