// Mocha 12 ships its cli helpers as .cjs, which @stryker-mutator/mocha-runner 10.1 requires without an extension (stryker-js PR #6205 fixes it): resolve .cjs too.
import Module from "node:module";

Module._extensions[".cjs"] ??= Module._extensions[".js"];
