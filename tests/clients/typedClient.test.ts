import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { expect } from "chai";
import createClient from "openapi-fetch";
import * as prettier from "prettier";
import { ApiCredentials, createSignedFetch } from "../../clients";
import { outputsAsJson } from "../../local-aws/engine/runProgram";
import { LocalMode, startLocalMode } from "../../local-aws/localMode";
import type { paths } from "../fixtures/petstore";
import { TRANSPILED } from "../helpers/localAws";
import { PROJECT_DIR } from "../helpers/specs";

const TYPES = "tests/fixtures/petstore.d.ts";
/** How the committed types are made, and remade when the document changes. */
const GENERATE = `npx openapi-typescript api/petstore.openapi.yaml -o ${TYPES} && npx prettier --write ${TYPES}`;

describe("an app typed by the API's own document: openapi-fetch with createSignedFetch as its fetch", () => {
    it(`${TYPES} is what openapi-typescript makes of api/petstore.openapi.yaml (else: ${GENERATE})`, async () => {
        const { stdout } = await promisify(execFile)(
            path.join(PROJECT_DIR, "node_modules/.bin/openapi-typescript"),
            ["api/petstore.openapi.yaml"],
            { cwd: PROJECT_DIR, encoding: "utf8" },
        );
        const file = path.join(PROJECT_DIR, TYPES);
        const generated = await prettier.format(stdout, {
            ...(await prettier.resolveConfig(file)),
            filepath: file,
        });
        expect(fs.readFileSync(file, "utf8") === generated, `${TYPES} is stale: ${GENERATE}`).to.equal(true);
    });

    describe("against local mode's pet store", () => {
        let local: LocalMode;
        let outputs: ApiCredentials;
        before(async () => {
            local = await startLocalMode({ projectDir: PROJECT_DIR, ...TRANSPILED });
            outputs = outputsAsJson(local.outputs) as unknown as ApiCredentials;
        });
        after(() => local.close());
        const client = () => createClient<paths>({ baseUrl: outputs.invokeUrl, fetch: createSignedFetch(outputs) });

        it("typed GETs, with a query and a path parameter: the Request openapi-fetch passes is signed", async () => {
            const pets = await client().GET("/pets");
            expect(pets.response.status).to.equal(200);
            const types: string[] | undefined = pets.data?.map((pet) => pet.type);
            expect(types).to.deep.equal(["dog", "cat", "fish"]);
            const fish = await client().GET("/pets", { params: { query: { type: "fish" } } });
            expect(fish.data).to.deep.equal([{ id: 3, type: "fish", price: 0.99 }]);
            const cat = await client().GET("/pets/{petId}", { params: { path: { petId: "2" } } });
            const price: number | undefined = cat.data?.price;
            expect(price).to.equal(124.99);
        });

        it("a typed POST: its JSON body is signed as sent", async () => {
            const created = await client().POST("/pets", { body: { type: "cat", price: 50 } });
            expect(created.response.status).to.equal(201);
            expect(created.data).to.deep.equal({ id: 4, message: "Pet created" });
        });

        it("the same client with the plain fetch is refused: the signature is what lets it in", async () => {
            const unsigned = await createClient<paths>({ baseUrl: outputs.invokeUrl }).GET("/pets");
            expect(unsigned.response.status).to.equal(403);
            expect(unsigned.error).to.deep.equal({ message: "Missing Authentication Token" });
        });
    });
});
