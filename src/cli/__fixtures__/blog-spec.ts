/** A small spec the CLI tests apply (Ghost with MySQL in staging), as a document read from a file. */
export const blogSpec = {
  name: "blog",
  environment: "staging",
  services: [
    {
      name: "web",
      image: "ghost:5.80",
      port: 2368,
      healthCheck: { path: "/" },
      resources: { cpu: "500m", memory: "512Mi" },
      dependsOn: ["mysql"],
    },
  ],
  databases: [{ name: "mysql", engine: "mysql", version: "8.0" }],
};
