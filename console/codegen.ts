import type { CodegenConfig } from "@graphql-codegen/cli";

// Types from the API's committed SDL (../schema.graphql). CODEGEN_OUT lets a check write elsewhere.
const out = process.env.CODEGEN_OUT ?? "src/gql/";

const config: CodegenConfig = {
  schema: "../schema.graphql",
  documents: ["src/**/*.tsx", "src/**/*.ts", "!src/gql/**/*"],
  ignoreNoDocuments: false,
  generates: {
    [out]: {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        onlyOperationTypes: true,
        scalars: { Date: "string", DateTime: "string", UUID: "string", Decimal: "string", JSON: "unknown" },
      },
    },
  },
};
export default config;
